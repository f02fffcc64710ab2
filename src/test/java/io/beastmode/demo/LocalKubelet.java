package io.beastmode.demo;

import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.Ports;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Plays kubelet (and an idle HPA controller) for router Deployments only, in one region: each
 * replica becomes a local process of the packaged application, started with the container's
 * environment, its ConfigMap volume written to a directory (and kept in step, as kubelet does) and
 * a port of its own. Ready processes are what the region's Service proxy sends connections to and
 * what the Deployment's status reports. Any other Deployment is left alone.
 */
public final class LocalKubelet implements RouterRuntime {
  static final String ROUTER_SELECTOR = "app.kubernetes.io/name=beast-mode-router";
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final HttpClient PROBE =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private final String region;
  private final KubernetesClient client;
  private final Path work;
  private final List<Pod> pods = new CopyOnWriteArrayList<>();
  private final Map<String, String> waiting = new HashMap<>();
  private final AtomicInteger sequence = new AtomicInteger();
  private final AtomicInteger nextTarget = new AtomicInteger();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "kubelet"));
  private final Predicate<Deployment> runs;
  private volatile boolean down;

  /** One router replica: a process, the template it was started from, and whether it is ready. */
  private record Pod(
      String deployment,
      String name,
      String templateHash,
      int port,
      int managementPort,
      Process process,
      AtomicLong readySince) {
    boolean ready() {
      return readySince.get() > 0;
    }
  }

  public LocalKubelet(String region, KubernetesClient client, Path work) {
    this(region, client, work, deployment -> true);
  }

  /**
   * @param runs the router Deployments whose replicas run here (others are left to what else runs
   *     pods in the region)
   */
  public LocalKubelet(
      String region, KubernetesClient client, Path work, Predicate<Deployment> runs) {
    this.runs = runs;
    this.region = region;
    this.client = client;
    this.work = work;
    loop.scheduleWithFixedDelay(this::syncQuietly, 0, 1, TimeUnit.SECONDS);
  }

  /** A ready router for the next connection, round robin; null when none is ready. */
  @Override
  public InetSocketAddress nextRouter() {
    var ready = pods.stream().filter(Pod::ready).toList();
    return ready.isEmpty()
        ? null
        : new InetSocketAddress(
            InetAddress.getLoopbackAddress(),
            ready.get(Math.floorMod(nextTarget.getAndIncrement(), ready.size())).port());
  }

  /** Where each ready router serves its metrics and health (its management port). */
  public List<InetSocketAddress> readyManagementAddresses() {
    return pods.stream()
        .filter(Pod::ready)
        .map(p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p.managementPort()))
        .toList();
  }

  /** The router processes' ids, ready or not. */
  public List<Long> pids() {
    return pods.stream().map(p -> p.process().pid()).toList();
  }

  @Override
  public int readyRouters() {
    return (int) pods.stream().filter(Pod::ready).count();
  }

  @Override
  public String describe() {
    return "processes under the kubelet stand-in";
  }

  /** The region goes dark: its routers stop and nothing here acts until {@link #up()}. */
  @Override
  public void down() {
    down = true;
    pods.forEach(this::stop);
  }

  @Override
  public void up() {
    down = false;
  }

  private void syncQuietly() {
    if (down) {
      return;
    }
    try {
      sync();
    } catch (KubernetesClientException | IOException e) {
      System.err.println("[kubelet " + region + "] " + e.getMessage());
    }
  }

  private void sync() throws IOException {
    var deployments =
        client
            .apps()
            .deployments()
            .inAnyNamespace()
            .withLabelSelector(ROUTER_SELECTOR)
            .list()
            .getItems()
            .stream()
            .filter(runs)
            .toList();
    var names = deployments.stream().map(LocalKubelet::key).toList();
    pods.stream().filter(p -> !names.contains(p.deployment())).forEach(this::stop);
    for (Deployment deployment : deployments) {
      sync(deployment);
    }
    pods.forEach(this::probe);
  }

  private void sync(Deployment deployment) throws IOException {
    String key = key(deployment);
    int desired = desiredReplicas(deployment);
    String hash = Integer.toHexString(deployment.getSpec().getTemplate().hashCode());
    writeVolumes(deployment);
    var current =
        pods.stream()
            .filter(p -> p.deployment().equals(key) && p.templateHash().equals(hash))
            .toList();
    var outdated =
        pods.stream()
            .filter(p -> p.deployment().equals(key) && !p.templateHash().equals(hash))
            .toList();
    for (int i = current.size(); i < desired; i++) {
      start(deployment, key, hash);
    }
    // A rolling update: an outdated replica stops only once a new one is ready to take its place.
    long readyCurrent = current.stream().filter(Pod::ready).count();
    for (int i = 0; i < outdated.size() && readyCurrent + outdated.size() - i > desired; i++) {
      stop(outdated.get(i));
    }
    current.stream().skip(desired).forEach(this::stop);
    updateStatus(deployment, key);
  }

  /**
   * The Deployment's replicas, after doing what an idle HorizontalPodAutoscaler controller does (no
   * load here): scaling its target to the autoscaler's minimum.
   */
  private int desiredReplicas(Deployment deployment) {
    var autoscaler =
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(deployment.getMetadata().getName())
            .get();
    Integer replicas = deployment.getSpec().getReplicas();
    if (autoscaler != null
        && autoscaler.getSpec().getMinReplicas() != null
        && !autoscaler.getSpec().getMinReplicas().equals(replicas)) {
      replicas = autoscaler.getSpec().getMinReplicas();
      client
          .apps()
          .deployments()
          .inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName())
          .scale(replicas);
    }
    return replicas == null ? 1 : replicas;
  }

  private void start(Deployment deployment, String key, String hash) throws IOException {
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    if (!container.getImage().startsWith("beast-mode:")) {
      throw new IllegalStateException(
          "image " + container.getImage() + " is not this application's; only routers run here");
    }
    Map<String, String> env = environment(deployment, container);
    if (env == null) {
      return;
    }
    String name =
        deployment.getMetadata().getName() + "-" + region + "-" + sequence.incrementAndGet();
    int port = Ports.free();
    int managementPort = Ports.free();
    env.put("HOSTNAME", name);
    env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    // The readiness probe's port (the container's management port), one per process here.
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
    // A stopped pod's file cache stays in the demo's work directory, not /tmp.
    env.put(
        "QUARKUS_VERTX_CACHE_DIRECTORY", work.resolve("vertx-cache").toAbsolutePath().toString());
    var command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xss512k"));
    var limits = container.getResources() == null ? null : container.getResources().getLimits();
    if (limits != null && limits.get("memory") != null) {
      // What a container's memory limit does to the JVM's heap sizing.
      command.add("-XX:MaxRAM=" + Quantity.getAmountInBytes(limits.get("memory")).longValue());
    }
    command.addAll(List.of("-jar", JAR.toString()));
    Path log = work.resolve("logs").resolve(name + ".log");
    Files.createDirectories(log.getParent());
    var builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    pods.add(new Pod(key, name, hash, port, managementPort, builder.start(), new AtomicLong()));
  }

  /**
   * The container's environment as kubelet resolves it, with mount paths moved to local
   * directories; null while a Secret is missing.
   */
  private Map<String, String> environment(Deployment deployment, Container container) {
    String namespace = deployment.getMetadata().getNamespace();
    var env = new HashMap<String, String>();
    for (EnvVar var : container.getEnv()) {
      if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
        var ref = var.getValueFrom().getSecretKeyRef();
        var secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        if (secret == null
            || secret.getData() == null
            || !secret.getData().containsKey(ref.getKey())) {
          if (waiting.put(key(deployment), ref.getName()) == null) {
            System.err.println(
                "[kubelet "
                    + region
                    + "] "
                    + key(deployment)
                    + " waits for Secret "
                    + namespace
                    + "/"
                    + ref.getName());
          }
          return null;
        }
        env.put(
            var.getName(),
            new String(Base64.getDecoder().decode(secret.getData().get(ref.getKey()))));
      } else if (var.getValue() != null) {
        env.put(var.getName(), localPath(deployment, container, var.getValue()));
      }
    }
    waiting.remove(key(deployment));
    return env;
  }

  private String localPath(Deployment deployment, Container container, String value) {
    for (var mount : container.getVolumeMounts()) {
      if (value.startsWith(mount.getMountPath() + "/")) {
        return volumeDir(deployment, mount.getName()).toAbsolutePath()
            + value.substring(mount.getMountPath().length());
      }
    }
    return value;
  }

  /**
   * ConfigMap volumes as files, rewritten when the ConfigMap changes (routers re-read them every
   * second).
   */
  private void writeVolumes(Deployment deployment) throws IOException {
    for (var volume : deployment.getSpec().getTemplate().getSpec().getVolumes()) {
      if (volume.getConfigMap() == null) {
        continue;
      }
      var configMap =
          client
              .configMaps()
              .inNamespace(deployment.getMetadata().getNamespace())
              .withName(volume.getConfigMap().getName())
              .get();
      if (configMap == null || configMap.getData() == null) {
        continue;
      }
      Path dir = Files.createDirectories(volumeDir(deployment, volume.getName()));
      // The kubelet swaps a volume's files all at once; the stand-in writes the revision last, so a
      // router never reads a new revision beside an old file.
      var files =
          configMap.getData().entrySet().stream()
              .sorted(
                  java.util.Comparator.comparing(
                      (java.util.Map.Entry<String, String> file) ->
                          file.getKey().equals(RoutingConfigMap.REVISION_KEY)))
              .toList();
      for (var file : files) {
        Path target = dir.resolve(file.getKey());
        if (!Files.exists(target) || !Files.readString(target).equals(file.getValue())) {
          Path next = dir.resolve("." + file.getKey() + ".next");
          Files.writeString(next, file.getValue());
          Files.move(
              next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
    }
  }

  private Path volumeDir(Deployment deployment, String volume) {
    return work.resolve("volumes")
        .resolve(
            deployment.getMetadata().getNamespace()
                + "."
                + deployment.getMetadata().getName()
                + "."
                + region)
        .resolve(volume);
  }

  private void probe(Pod pod) {
    if (!pod.process().isAlive()) {
      pods.remove(pod);
      return;
    }
    boolean ready = ready(pod.managementPort());
    pod.readySince()
        .updateAndGet(since -> ready ? (since > 0 ? since : System.currentTimeMillis()) : 0);
  }

  private static boolean ready(int port) {
    try {
      var response =
          PROBE.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void updateStatus(Deployment deployment, String key) {
    var own = pods.stream().filter(p -> p.deployment().equals(key)).toList();
    int ready = (int) own.stream().filter(Pod::ready).count();
    var status =
        Fixtures.deploymentStatus(deployment.getMetadata().getGeneration(), own.size(), ready);
    var current = deployment.getStatus();
    if (current != null
        && Objects.equals(current.getReadyReplicas(), status.getReadyReplicas())
        && Objects.equals(current.getReplicas(), status.getReplicas())
        && Objects.equals(current.getObservedGeneration(), status.getObservedGeneration())) {
      return;
    }
    deployment.setStatus(status);
    try {
      client.apps().deployments().resource(deployment).updateStatus();
    } catch (KubernetesClientException e) {
      // Changed since it was read (scaled, or edited by the operator): written again next second.
    }
  }

  private void stop(Pod pod) {
    pods.remove(pod);
    pod.process().destroy();
  }

  private static String key(Deployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }

  @Override
  public void close() {
    loop.shutdownNow();
    var stopping = List.copyOf(pods);
    down();
    for (Pod pod : stopping) {
      try {
        pod.process().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
