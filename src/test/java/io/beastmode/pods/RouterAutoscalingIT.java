package io.beastmode.pods;

import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.AutoscalingSpec;
import io.beastmode.bench.router.LoadGenerator;
import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.bench.router.RouterMemoryBench;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.testing.NodeRegion;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.ContainerMetrics;
import io.fabric8.kubernetes.api.model.metrics.v1beta1.PodMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.MultiMap;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HorizontalPodAutoscaler the operator makes for a router, driven by the real
 * kube-controller-manager on a region with a real node and metrics-server: the router pod's CPU and
 * memory are served by {@code metrics.k8s.io}, cache hits through the router's Service raise its
 * CPU above the target, so the controller adds a second router pod, which becomes Ready; once the
 * load is gone it takes the routers back to one.
 *
 * <p>This tier runs no custom metrics adapter (prometheus-adapter, or KEDA with Prometheus), so the
 * routers' in-flight gauge ({@code beastmode_router_inflight}) is not served, and the operator's
 * HPA asks for CPU alone: the controller scales in only when it reads every metric of its spec, so
 * one it can never read would keep routers scaled out for good. The HPA on both metrics, where an
 * adapter serves the gauge, is not shown here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterAutoscalingIT {
  static final String NS = "autoscaling";
  static final String ROUTER = "chat";
  static final int MAX_REPLICAS = 2;

  /** Closed-loop clients sending cache hits: the router's CPU, not the simulator's latency. */
  static final int LOAD_CLIENTS = 16;

  static RouterOnNode fixture;
  static KubernetesClient client;
  static String routerPod;
  static String serviceUrl;
  static AutoscalingSpec autoscaling;

  @BeforeAll
  static void deployTheRouter() {
    fixture =
        RouterOnNode.start(
            NS,
            ROUTER,
            chat -> {
              autoscaling = chat.getSpec().autoscaling;
              autoscaling.enabled = true;
              autoscaling.minReplicas = 1;
              autoscaling.maxReplicas = MAX_REPLICAS;
              // Scaled in as soon as the load is gone: the test need not wait five minutes.
              autoscaling.scaleDownStabilizationSeconds = 0;
            });
    client = fixture.client;
    serviceUrl = fixture.serviceUrl;
    routerPod = fixture.readyPods().get(0);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @Order(1)
  void theRouterPodsCpuAndMemoryAreServedByTheMetricsApi() {
    // kubectl top pod: metrics-server's first scrape of the kubelet comes within its resolution
    PodMetrics metrics =
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> podMetrics(routerPod), m -> m != null);
    ContainerMetrics router = metrics.getContainers().get(0);
    assertThat(router.getUsage()).containsKeys("cpu", "memory");
    double memoryMiB =
        Quantity.getAmountInBytes(router.getUsage().get("memory")).doubleValue() / 1024 / 1024;
    // The working set the kubelet reports is within what the pod's memory cgroup has seen.
    assertThat(memoryMiB)
        .isPositive()
        .isLessThanOrEqualTo(fixture.region.peakMemoryMiB(NS, routerPod));
    // kubectl top node
    var node = client.top().nodes().metrics(NodeRegion.NODE_NAME);
    assertThat(Quantity.getAmountInBytes(node.getUsage().get("cpu")).doubleValue()).isPositive();
    System.out.printf(
        "metrics.k8s.io: router pod cpu %s, memory %.0f MiB; node cpu %s%n",
        router.getUsage().get("cpu"), memoryMiB, node.getUsage().get("cpu"));

    // The HPA controller reads the same API: the CPU utilisation shows in the HPA's status.
    var cpu =
        await().atMost(Duration.ofSeconds(60)).until(() -> cpuStatus(hpa()), Optional::isPresent);
    assertThat(cpu.get().getResource().getCurrent().getAverageUtilization()).isNotNull();
  }

  @Test
  @Order(2)
  void withoutACustomMetricsAdapterTheHpaAsksForCpuAlone() {
    assertThat(client.getApiGroup(ManagedObjects.CUSTOM_METRICS_GROUP)).isNull();
    assertThat(hpa().getSpec().getMetrics())
        .singleElement()
        .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
    // The controller reads every metric it asks for.
    var active =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> condition(hpa(), "ScalingActive"),
                c -> c.isPresent() && "True".equals(c.get().getStatus()));
    System.out.println("HPA ScalingActive: " + active.get().getMessage());
    // Never asked for (before metrics-server's first scrape the CPU may have been missing).
    assertThat(hpaEvents("FailedGetPodsMetric")).isEmpty();
  }

  @Test
  @Order(3)
  void underLoadTheControllerManagerAddsARouterPodOnCpu() throws Exception {
    // Before the load the HPA, reading the idle router's CPU, keeps it at one replica.
    var idle = hpa();
    System.out.printf(
        "before the load the HPA reads %d%% CPU and wants %d replica(s)%n",
        cpuStatus(idle).orElseThrow().getResource().getCurrent().getAverageUtilization(),
        idle.getStatus().getDesiredReplicas());
    assertThat(idle.getStatus().getDesiredReplicas()).isEqualTo(1);
    assertThat(deploymentReplicas()).isEqualTo(1);

    var headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    var hits = new Target(serviceUrl, headers, RouterMemoryBench.bodies(false, false));
    var stopLoad = new AtomicBoolean();
    long started = System.nanoTime();
    HorizontalPodAutoscaler scaledOut;
    long answered;
    try (var load = new LoadGenerator(LOAD_CLIENTS)) {
      // In bounded rounds until the HPA has decided, three minutes at most.
      var sending =
          CompletableFuture.supplyAsync(
              () -> {
                long ok = 0;
                long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!stopLoad.get() && System.nanoTime() < end) {
                  var round = load.closedLoop(hits, LOAD_CLIENTS, Duration.ofSeconds(5));
                  ok += round.requests() - round.errors();
                }
                return ok;
              });
      try {
        scaledOut =
            await()
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    RouterAutoscalingIT::hpa,
                    h ->
                        h.getStatus() != null
                            && h.getStatus().getDesiredReplicas() != null
                            && h.getStatus().getDesiredReplicas() > 1);
      } finally {
        stopLoad.set(true);
        answered = sending.join();
      }
    }
    System.out.printf(
        "the HPA wants %d replicas %.0f s into the load (%d cache hits answered): %s%n",
        scaledOut.getStatus().getDesiredReplicas(),
        (System.nanoTime() - started) / 1e9,
        answered,
        scaledOut.getStatus().getCurrentMetrics());
    assertThat(answered).isPositive();
    // It scaled on the CPU, above its target, as measured through metrics-server.
    int utilization =
        cpuStatus(scaledOut).orElseThrow().getResource().getCurrent().getAverageUtilization();
    assertThat(utilization).isGreaterThan(autoscaling.targetCpuUtilizationPercent);
    assertThat(condition(scaledOut, "ScalingActive"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("cpu resource utilization");
            });
    // The controller-manager scaled the Deployment; its second pod starts from the same image.
    await().atMost(Duration.ofSeconds(30)).until(() -> deploymentReplicas() >= 2);
    List<String> ready =
        await()
            .atMost(RouterOnNode.POD_START)
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> fixture.readyPods(), pods -> pods.size() >= 2);
    assertThat(ready).contains(routerPod).hasSizeLessThanOrEqualTo(MAX_REPLICAS);
    System.out.printf(
        "router pods %s ready %.0f s after the load started%n",
        ready, (System.nanoTime() - started) / 1e9);
  }

  @Test
  @Order(4)
  void onceTheLoadIsGoneItScalesBackIn() {
    // Idle routers, no stabilisation window: the controller takes the Deployment back to one.
    long started = System.nanoTime();
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> deploymentReplicas() == 1 && fixture.readyPods().size() == 1);
    var hpa = hpa();
    System.out.printf(
        "idle routers: back to one replica %.0f s after the load, HPA reads %d%% CPU%n",
        (System.nanoTime() - started) / 1e9,
        cpuStatus(hpa).orElseThrow().getResource().getCurrent().getAverageUtilization());
    assertThat(hpa.getStatus().getDesiredReplicas()).isEqualTo(1);
    assertThat(condition(hpa, "ScalingActive"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
  }

  private static HorizontalPodAutoscaler hpa() {
    return client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName(ROUTER)
        .require();
  }

  private static Optional<MetricStatus> cpuStatus(HorizontalPodAutoscaler hpa) {
    if (hpa.getStatus() == null || hpa.getStatus().getCurrentMetrics() == null) {
      return Optional.empty();
    }
    return hpa.getStatus().getCurrentMetrics().stream()
        .filter(m -> "Resource".equals(m.getType()))
        .filter(m -> "cpu".equals(m.getResource().getName()))
        .filter(m -> m.getResource().getCurrent().getAverageUtilization() != null)
        .findFirst();
  }

  private static Optional<HorizontalPodAutoscalerCondition> condition(
      HorizontalPodAutoscaler hpa, String type) {
    if (hpa.getStatus() == null || hpa.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return hpa.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static List<Event> hpaEvents(String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "HorizontalPodAutoscaler".equals(e.getInvolvedObject().getKind()))
        .filter(e -> ROUTER.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static int deploymentReplicas() {
    Integer replicas =
        client.apps().deployments().inNamespace(NS).withName(ROUTER).get().getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  /** metrics.k8s.io's reading of {@code pod}, or null before metrics-server has one. */
  private static PodMetrics podMetrics(String pod) {
    try {
      return client.top().pods().metrics(NS, pod);
    } catch (KubernetesClientException e) {
      return null;
    }
  }
}
