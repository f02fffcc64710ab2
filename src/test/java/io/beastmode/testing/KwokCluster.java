package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Fake nodes on a region's own API server: KWOK (sigs.k8s.io/kwok, `make bench-scale` provisions
 * it) keeps them Ready with Lease heartbeats and makes the pods bound to them Running and Ready.
 * KWOK does not schedule and no controller manager runs here, so this class plays the Deployment
 * and ReplicaSet controllers and the scheduler for the Deployments {@code fake} selects: it creates
 * their pods bound to a KWOK node, and writes the Deployment's status from the pods KWOK made
 * Ready. The operator reads only that status (and heartbeats, which these pods do not send).
 */
public final class KwokCluster implements AutoCloseable {
  static final String POD_OF = "beastmode.io/kwok-deployment";
  static final String ROUTER_SELECTOR = "app.kubernetes.io/name=beast-mode-router";

  private final KubernetesClient client;
  private final ServerProcess kwok;
  private final int nodes;
  private final Predicate<Deployment> fake;
  private final SharedIndexInformer<Deployment> deployments;
  private final SharedIndexInformer<Pod> pods;
  private final Set<String> reported = new HashSet<>();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            var thread = new Thread(r, "kwok-controllers");
            thread.setDaemon(true);
            return thread;
          });

  /** Where `make bench-scale` (.ci/provision-kwok.sh) puts kwok and its stages. */
  public static Path home() {
    return Path.of(
        System.getProperty("user.home"),
        ".kubeapitest",
        "tools",
        "kwok-" + System.getProperty("beastmode.kwok.version", "v0.8.0"));
  }

  /**
   * @param fake the router Deployments whose pods are KWOK's (the others run elsewhere)
   */
  public KwokCluster(ApiServer server, Path work, int nodes, Predicate<Deployment> fake) {
    this.client = server.client();
    this.nodes = nodes;
    this.fake = fake;
    try {
      Files.createDirectories(work);
      Path kubeconfig = work.resolve("kubeconfig");
      Files.writeString(kubeconfig, server.kubeconfig());
      this.kwok =
          ServerProcess.start(
              "kwok",
              List.of(
                  home().resolve("kwok").toString(),
                  "--kubeconfig=" + kubeconfig.toAbsolutePath(),
                  "--manage-all-nodes=true",
                  "--config=" + home().resolve("stages.yaml"),
                  "--server-address=127.0.0.1:" + Ports.free()),
              work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int i = 0; i < nodes; i++) {
      client
          .nodes()
          .resource(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName(nodeName(i))
                  .addToAnnotations("kwok.x-k8s.io/node", "fake")
                  .addToLabels("type", "kwok")
                  .endMetadata()
                  .build())
          .serverSideApply();
    }
    this.deployments =
        client.apps().deployments().inAnyNamespace().withLabelSelector(ROUTER_SELECTOR).inform();
    this.pods = client.pods().inAnyNamespace().withLabel(POD_OF).inform();
    loop.scheduleWithFixedDelay(this::syncQuietly, 1, 1, TimeUnit.SECONDS);
  }

  public long pid() {
    return kwok.pid();
  }

  /** Pods KWOK reports Ready, over every fake Deployment. */
  public int readyPods() {
    return (int) pods.getStore().list().stream().filter(KwokCluster::ready).count();
  }

  private static String nodeName(int i) {
    return "kwok-node-" + i;
  }

  private void syncQuietly() {
    for (Deployment deployment : deployments.getStore().list()) {
      if (!fake.test(deployment)) {
        continue;
      }
      try {
        sync(deployment);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          continue; // changed since the informer saw it: written again next second
        }
        String key = key(deployment) + e.getCode();
        if (reported.add(key)) {
          System.err.println("[kwok] " + key(deployment) + ": " + e.getMessage());
        }
      }
    }
  }

  private void sync(Deployment deployment) {
    String namespace = deployment.getMetadata().getNamespace();
    String name = deployment.getMetadata().getName();
    int desired =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    var own =
        pods.getStore().list().stream()
            .filter(p -> p.getMetadata().getNamespace().equals(namespace))
            .filter(p -> name.equals(p.getMetadata().getLabels().get(POD_OF)))
            .toList();
    var names = own.stream().map(p -> p.getMetadata().getName()).toList();
    for (int i = 0; i < desired; i++) {
      String podName = name + "-kwok-" + i;
      if (!names.contains(podName)) {
        create(deployment, podName, i);
      }
    }
    for (Pod pod : own) {
      String podName = pod.getMetadata().getName();
      int index = Integer.parseInt(podName.substring(podName.lastIndexOf('-') + 1));
      if (index >= desired) {
        client.pods().resource(pod).withGracePeriod(0).delete();
      }
    }
    int ready = (int) own.stream().filter(KwokCluster::ready).count();
    ready = Math.min(ready, desired);
    var current = deployment.getStatus();
    if (current != null
        && Objects.equals(current.getReadyReplicas(), ready)
        && Objects.equals(current.getReplicas(), desired)
        && Objects.equals(
            current.getObservedGeneration(), deployment.getMetadata().getGeneration())) {
      return;
    }
    deployment.setStatus(
        Fixtures.deploymentStatus(deployment.getMetadata().getGeneration(), desired, ready));
    client.apps().deployments().resource(deployment).updateStatus();
  }

  private void create(Deployment deployment, String podName, int index) {
    String namespace = deployment.getMetadata().getNamespace();
    var template = deployment.getSpec().getTemplate();
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withNamespace(namespace)
            .withLabels(template.getMetadata().getLabels())
            .addToLabels(POD_OF, deployment.getMetadata().getName())
            .endMetadata()
            .withSpec(template.getSpec())
            .editSpec()
            .withNodeName(nodeName(index % nodes))
            .endSpec()
            .build();
    client.pods().resource(pod).create();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String key(Deployment deployment) {
    return deployment.getMetadata().getNamespace() + "/" + deployment.getMetadata().getName();
  }

  @Override
  public void close() {
    loop.shutdownNow();
    deployments.close();
    pods.close();
    kwok.close();
  }
}
