package io.beastmode.demo;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RestoreMode;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.PodImage;
import io.beastmode.testing.Ports;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default (`make demo`): three regions, each a real kube-apiserver with etcd and its
 * own Redis; a simulator serving the models; the packaged operator managing the regions from the
 * hub; routers run from the Deployments the operator creates: in the hub region as real pods on a
 * real node (kubelet, containerd, the project's image) where this machine can run one, elsewhere
 * (and everywhere when it cannot, said plainly) as processes under a kubelet stand-in. It applies
 * k8s/examples (pointed at this machine), drives traffic, shows the fleet live, takes a region
 * down, and prints a summary once traffic has failed over and back. With DEMO_DURATION=<seconds> it
 * exits 0 only if that happened within the time; without it, it keeps running until Ctrl-C.
 */
public final class LocalPlatform {
  static final Path WORK = Path.of("target", "demo");
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  static final String NAMESPACE = "beastmode-demo";
  static final String ROUTER = "assistant";

  /** The example ApiKey the demo's clients use. */
  static final String CLIENT_KEY = "support-app";

  static final String HUB = "eu-west";
  static final String FAILING = "us-east";
  static final List<String> MEMBERS = List.of("us-east", "ap-south");

  /** Where the standby hub runs, ready to take over from the hub. */
  static final String STANDBY = "ap-south";

  /** Hub Leases of the demo: shorter than the default 10 s, so the takeover fits the story. */
  static final String LEASE_DURATION = "6s";

  static final int REQUESTS_PER_SECOND = 20;

  /**
   * Demo timings: faster probes and failback than the examples' production values, so the story
   * fits in minutes.
   */
  static final int PROBE_SECONDS = 3;

  static final int FAILBACK_SECONDS = 10;

  private static final long STARTED = System.currentTimeMillis();
  private final Map<String, LocalRegion> regions = new LinkedHashMap<>();
  private final List<Process> processes = new ArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final RegionRedisClients redisClients = new RegionRedisClients(vertx);

  public static void main(String[] args) throws Exception {
    String duration = System.getenv("DEMO_DURATION");
    var platform = new LocalPlatform();
    Runtime.getRuntime().addShutdownHook(new Thread(platform::close));
    boolean passed;
    try {
      passed =
          platform.run(
              duration == null ? Long.MAX_VALUE : STARTED + Long.parseLong(duration) * 1000,
              duration == null);
    } catch (Exception | Error e) {
      // Said and ended here: Maven's exec would wait on the clients' threads for ever.
      e.printStackTrace();
      passed = false;
    }
    System.exit(passed ? 0 : 1);
  }

  /**
   * @param thenWatch after the story, keep traffic and the view going until Ctrl-C
   */
  private boolean run(long deadline, boolean thenWatch) throws Exception {
    Files.createDirectories(WORK);
    Optional<String> noNode = whyNoNode();
    // Routers in pods reach the simulator and their peers' Services at the node's address.
    InetAddress routerAddress =
        noNode.isEmpty()
            ? LocalRegion.address(NodeRegion.hostAddress())
            : InetAddress.getLoopbackAddress();
    step(
        "starting three regions, each a kube-apiserver "
            + ApiServer.KUBERNETES_VERSION
            + " with its etcd, and a redis-server"
            + (noNode.isEmpty() ? "; " + HUB + " also with a real node" : ""));
    var starting = new LinkedHashMap<String, CompletableFuture<LocalRegion>>();
    starting.put(HUB, CompletableFuture.supplyAsync(() -> startHub(noNode, routerAddress)));
    MEMBERS.forEach(
        name ->
            starting.put(
                name,
                CompletableFuture.supplyAsync(
                    () -> LocalRegion.start(name, name.equals(STANDBY), WORK, routerAddress))));
    starting.forEach((name, region) -> regions.put(name, region.join()));
    regions.forEach((name, region) -> step(name + ": routers run as " + region.routersRunAs()));
    KubernetesClient hub = regions.get(HUB).server.client();
    Path kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(kubeconfig, regions.get(HUB).server.kubeconfig());

    int simulatorPort = Ports.free();
    step(
        "starting the model simulator on "
            + routerAddress.getHostAddress()
            + ":"
            + simulatorPort
            + " (k8s/examples/local/simulator-config.yaml: four OpenAI-compatible models with their own latency and error rates, and an Anthropic, an Azure and an embedding model)");
    start(
        "simulator",
        Map.of(
            "BEASTMODE_ROLE",
            "simulator",
            "QUARKUS_HTTP_PORT",
            Integer.toString(simulatorPort),
            "QUARKUS_HTTP_HOST",
            routerAddress.getHostAddress(),
            "QUARKUS_MANAGEMENT_PORT",
            Integer.toString(Ports.free()),
            "BEASTMODE_SIMULATOR_CONFIG",
            "k8s/examples/local/simulator-config.yaml"));
    step(
        "starting the operator ("
            + JAR
            + ", role operator) against the hub; log in "
            + WORK.resolve("operator.log"));
    Process operator = start("operator", operatorEnvironment(kubeconfig, "active", HUB + "-hub"));

    step(
        "member kubeconfigs, model credentials and the snapshots' encryption key: Secrets a"
            + " platform team creates");
    namespace(hub, "beast-mode-system");
    namespace(hub, NAMESPACE);
    byte[] backupKey = new byte[32];
    new java.security.SecureRandom().nextBytes(backupKey);
    hub.secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("backup-encryption-key")
                .endMetadata()
                .withStringData(Map.of("key", Base64.getEncoder().encodeToString(backupKey)))
                .build())
        .serverSideApply();
    // Every region, the hub's own too, is reached by kubeconfig: the same on the hub and on a
    // standby that takes over.
    for (String member : regions.keySet()) {
      hub.secrets()
          .inNamespace("beast-mode-system")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(member + "-kubeconfig")
                  .endMetadata()
                  .withStringData(Map.of("kubeconfig", regions.get(member).kubeconfigFromHub()))
                  .build())
          .serverSideApply();
    }
    step(
        "applying k8s/examples: Regions pointed at these Redis servers and router Services, pools at the simulator, "
            + "probes every "
            + PROBE_SECONDS
            + " s, failback after "
            + FAILBACK_SECONDS
            + " s, one router per region at first, the semantic cache on at a 5 % bound (some"
            + " clients retype their questions)");
    String simulator = "http://" + routerAddress.getHostAddress() + ":" + simulatorPort + "/v1";
    for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
      for (HasMetadata object : regions.get(HUB).server.load(file)) {
        HasMetadata local = localized(object, simulator);
        hub.resource(local).fieldManager("kubectl").serverSideApply();
        if (local instanceof Secret secret) {
          MEMBERS.forEach(member -> copy(secret, regions.get(member).server.client()));
        }
        if (local instanceof io.beastmode.api.v1alpha1.BackupPolicy) {
          standbyReads(hub, local);
        }
      }
    }

    var reports = new LinkedHashMap<String, RouterReports>();
    var heartbeats = new RouterHeartbeats(redisClients);
    regions.forEach(
        (name, region) ->
            reports.put(name, new RouterReports(name, region.redis.url(), heartbeats)));
    var view = new LiveView(hub, NAMESPACE, ROUTER, reports);
    var entries = new LinkedHashMap<String, java.net.URI>();
    regions.forEach((name, region) -> entries.put(name, region.routerEndpoint()));
    step(
        "the clients' API key: the value the operator wrote into Secret "
            + CLIENT_KEY
            + "-api-key (never printed)");
    String apiKey = apiKey(hub);
    try (var clients = new TrafficDriver(entries, view::weights, apiKey)) {
      var scenario = new Scenario(view, clients, regions, hubLoss(operator), deadline);
      boolean passed = scenario.play(REQUESTS_PER_SECOND);
      if (thenWatch) {
        scenario.watch();
      }
      return passed;
    }
  }

  /**
   * Why the hub's routers cannot run as real pods here ({@code DEMO_NODE=0}, or what the machine
   * lacks), or empty.
   */
  private static Optional<String> whyNoNode() {
    if ("0".equals(System.getenv("DEMO_NODE"))) {
      return Optional.of("DEMO_NODE=0 asked for none");
    }
    return NodeRegion.whyUnavailable();
  }

  /**
   * The hub region with a real node running its routers as pods from the project's image; where no
   * node can start, said plainly, the kubelet stand-in runs them as processes instead.
   */
  private static LocalRegion startHub(Optional<String> noNode, InetAddress routerAddress) {
    if (noNode.isPresent()) {
      step(
          "no real node on this machine ("
              + noNode.get()
              + "): every region's routers run as processes under the kubelet stand-in");
      return LocalRegion.start(HUB, true, WORK, routerAddress);
    }
    NodeRegion node = null;
    try {
      node = NodeRegion.startUnlessBusy();
      step(
          HUB
              + "'s node is Ready; importing "
              + PodImage.ARCHIVE
              + " into its containerd (built first if older than the application)");
      node.importImage(PodImage.archive());
      return LocalRegion.onNode(HUB, true, node);
    } catch (RuntimeException e) {
      if (node != null) {
        node.close();
      }
      step(
          "the node did not start ("
              + e.getMessage()
              + "): "
              + HUB
              + "'s routers run as processes under the kubelet stand-in instead");
      return LocalRegion.start(HUB, true, WORK, routerAddress);
    }
  }

  private Map<String, String> operatorEnvironment(Path kubeconfig, String role, String name) {
    return Map.of(
        "BEASTMODE_ROLE",
        "operator",
        "BEASTMODE_HUB_ROLE",
        role,
        "BEASTMODE_HUB_NAME",
        name,
        "BEASTMODE_HUB_LEASE_DURATION",
        LEASE_DURATION,
        "KUBECONFIG",
        kubeconfig.toAbsolutePath().toString(),
        "QUARKUS_HTTP_PORT",
        "0",
        "QUARKUS_MANAGEMENT_PORT",
        Integer.toString(Ports.free()));
  }

  /**
   * The standby hub in {@link #STANDBY}: what reading the backups needs (the policy, its key, its
   * target region and kubeconfig), as a platform team applies it there, then its operator.
   */
  private void standbyReads(KubernetesClient hub, HasMetadata policy) throws IOException {
    var standby = regions.get(STANDBY).server.client();
    step(
        "a standby hub in "
            + STANDBY
            + ": its own operator (hub.role=standby) follows the backups; log in "
            + WORK.resolve("standby.log"));
    namespace(standby, "beast-mode-system");
    namespace(standby, NAMESPACE);
    var policyObject = Serialization.jsonMapper().convertValue(policy, BackupPolicy.class);
    copy(
        fresh(hub.secrets().inNamespace(NAMESPACE).withName("backup-encryption-key").get()),
        standby);
    String target = policyObject.getSpec().target.region;
    var region = hub.resources(Region.class).withName(target).get();
    copy(
        fresh(
            hub.secrets()
                .inNamespace("beast-mode-system")
                .withName(region.getSpec().kubeconfigSecretRef.name)
                .get()),
        standby);
    standby.resource(fresh(region)).serverSideApply();
    standby.resource(fresh(policyObject)).serverSideApply();
    Path kubeconfig = WORK.resolve("kubeconfig-" + STANDBY);
    Files.writeString(kubeconfig, regions.get(STANDBY).server.kubeconfig());
    start("standby", operatorEnvironment(kubeconfig, "standby", STANDBY + "-standby"));
  }

  private static <T extends HasMetadata> T fresh(T object) {
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setUid(null);
    object.getMetadata().setManagedFields(null);
    object.getMetadata().setCreationTimestamp(null);
    return object;
  }

  private HubLoss hubLoss(Process operator) {
    var standby = regions.get(STANDBY).server.client();
    return new HubLoss() {
      @Override
      public void lose() {
        operator.destroy();
        regions.get(HUB).controlPlaneOutage();
        var request = new RestoreRequest();
        request.setMetadata(
            new ObjectMetaBuilder().withName("promote-standby").withNamespace(NAMESPACE).build());
        request.setSpec(new RestoreRequestSpec());
        request.getSpec().mode = RestoreMode.PromoteStandby;
        request.getSpec().standbyRegion = STANDBY;
        standby.resource(request).create();
      }

      @Override
      public Optional<KubernetesClient> promoted() {
        var request =
            standby
                .resources(RestoreRequest.class)
                .inNamespace(NAMESPACE)
                .withName("promote-standby")
                .get();
        return request != null
                && request.getStatus() != null
                && request.getStatus().phase == RestorePhase.Succeeded
            ? Optional.of(standby)
            : Optional.empty();
      }
    };
  }

  /** The value of the clients' ApiKey, once the operator has written its Secret. */
  private static String apiKey(KubernetesClient hub) {
    var secret =
        hub.secrets()
            .inNamespace(NAMESPACE)
            .withName(CLIENT_KEY + "-api-key")
            .waitUntilCondition(
                s -> s != null && s.getData() != null && s.getData().containsKey(ApiKey.SECRET_KEY),
                60,
                TimeUnit.SECONDS);
    return new String(
        Base64.getDecoder().decode(secret.getData().get(ApiKey.SECRET_KEY)),
        StandardCharsets.UTF_8);
  }

  /**
   * An example object pointed at this machine: local Redis, router Services and simulator; faster
   * demo timings.
   */
  private HasMetadata localized(HasMetadata object, String simulator) {
    switch (object.getKind()) {
      case "Region" -> {
        var region = Serialization.jsonMapper().convertValue(object, Region.class);
        var local = regions.get(region.getMetadata().getName());
        region.getSpec().kubeconfigSecretRef =
            new io.beastmode.api.v1alpha1.SecretKeyReference(
                region.getMetadata().getName() + "-kubeconfig", "beast-mode-system", "kubeconfig");
        region.getSpec().redis.url = local.redis.url();
        region.getSpec().routerEndpoint = local.routerEndpoint().toString();
        region.getSpec().healthCheck.intervalSeconds = PROBE_SECONDS;
        region.getSpec().healthCheck.timeoutSeconds = 2;
        region.getSpec().healthCheck.failureThreshold = 2;
        return region;
      }
      case "ModelPool" -> {
        var pool = Serialization.jsonMapper().convertValue(object, ModelPool.class);
        for (var model : pool.getSpec().models) {
          var endpoint = new ModelEndpoint();
          endpoint.url = simulator;
          model.endpoints = List.of(endpoint);
          model.upstreamModel = null;
          model.provider = io.beastmode.api.v1alpha1.ModelProvider.openAICompatible;
        }
        return pool;
      }
      case "BackupPolicy" -> {
        var policy = Serialization.jsonMapper().convertValue(object, BackupPolicy.class);
        // Changes reach the target within seconds, so the standby stays close behind the hub.
        policy.getSpec().continuous = new io.beastmode.api.v1alpha1.ContinuousBackupSpec();
        policy.getSpec().continuous.enabled = true;
        policy.getSpec().continuous.intervalSeconds = 2;
        return policy;
      }
      case "LLMRouter" -> {
        var router = Serialization.jsonMapper().convertValue(object, LLMRouter.class);
        router.getSpec().failover.failbackAfterSeconds = FAILBACK_SECONDS;
        // One router per region to start with: each is a JVM, and this machine may have two cores.
        router.getSpec().regions.forEach(placement -> placement.replicas = 1);
        router.getSpec().autoscaling.minReplicas = 1;
        // The semantic cache on: some clients type the questions another way. At a 5 % bound
        // (the default is 1 %) it needs fewer labels before it serves, so it does within the
        // demo's minutes. Its encoder needs room beside the default 384Mi.
        router.getSpec().cache.mode = io.beastmode.api.v1alpha1.CacheMode.semantic;
        router.getSpec().cache.semantic.maxWrongRate = 0.05;
        router.getSpec().router.memory = "512Mi";
        return router;
      }
      default -> {
        return object;
      }
    }
  }

  private static void copy(Secret secret, KubernetesClient member) {
    namespace(member, secret.getMetadata().getNamespace());
    member
        .resource(
            new SecretBuilder(secret)
                .editMetadata()
                .withResourceVersion(null)
                .withUid(null)
                .endMetadata()
                .build())
        .serverSideApply();
  }

  private static void namespace(KubernetesClient client, String name) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  private Process start(String name, Map<String, String> env) throws IOException {
    var builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(WORK.resolve(name + ".log").toFile());
    builder.environment().putAll(env);
    // A stopped process's file cache stays in the demo's work directory, not /tmp.
    builder
        .environment()
        .put(
            "QUARKUS_VERTX_CACHE_DIRECTORY",
            WORK.resolve("vertx-cache").toAbsolutePath().toString());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  static void step(String message) {
    System.out.printf("[%4ds] ==> %s%n", (System.currentTimeMillis() - STARTED) / 1000, message);
  }

  static long elapsedSeconds() {
    return (System.currentTimeMillis() - STARTED) / 1000;
  }

  private synchronized void close() {
    processes.forEach(Process::destroy);
    regions.values().forEach(LocalRegion::close);
    regions.clear();
    redisClients.close();
    vertx.close();
  }
}
