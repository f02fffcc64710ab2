package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.edit;
import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.RegionStatus;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hub and two member regions, each its own API server; one member ("stuck") is reached through a
 * proxy that can hang: accept connections and never answer, as a wedged API server does. The other
 * ("steady") must go on being written and probed while calls to the stuck one wait. The order is
 * what is asserted: everything the steady region gets happens before the operator gives up on any
 * call to the stuck one (a call waits 10 s for the TLS handshake the stuck server never answers).
 */
class HungMemberIT {
  static final String NS = "team-h";
  static final String SYSTEM = "beast-mode-system";
  static final String ROUTER = "spread";
  static final String FORECAST_ROUTER = "forecast";

  static ApiServer hubServer;
  static ApiServer steadyServer;
  static ApiServer stuckServer;
  static TcpProxy stuckPath;
  static RedisServer redis;
  static KubernetesClient hub;
  static OperatorUnderTest operator;

  @BeforeAll
  static void start() {
    try {
      hubServer = ApiServer.start().withCrds();
      steadyServer = ApiServer.start();
      stuckServer = ApiServer.start();
      redis = RedisServer.start();
      stuckPath =
          new TcpProxy(
              URI.create(stuckServer.client().getConfiguration().getMasterUrl()).getPort());
      hub = hubServer.client();
      operator = new OperatorUnderTest(hub);
      for (String ns : List.of(NS, SYSTEM)) {
        hub.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      kubeconfig("steady", steadyServer.kubeconfig());
      kubeconfig("stuck", stuckPath.rewrite(stuckServer.kubeconfig()));
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (stuckPath != null) {
      stuckPath.close();
    }
    if (redis != null) {
      redis.close();
    }
    for (var server : new ApiServer[] {hubServer, steadyServer, stuckServer}) {
      if (server != null) {
        server.stop();
      }
    }
  }

  @Test
  void aHungMemberHoldsUpNeitherTheOthersNorItsOwnClientAfterDeletion() {
    var steady = steadyServer.client();
    steady
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    steady
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("someone-elses")
                .endMetadata()
                .addToData("k", "v")
                .build())
        .create();
    // The stuck region keeps serving through many failed probes, so routers are still written there
    // when it hangs; its probes fail fast (1 s) while their calls wait for the client's timeout.
    var stuck = withRedis(memberRegion("stuck", 2, SYSTEM, "stuck-kubeconfig"));
    stuck.getSpec().healthCheck.timeoutSeconds = 1;
    stuck.getSpec().healthCheck.failureThreshold = 100;
    hub.resource(stuck).create();
    hub.resource(withRedis(memberRegion("steady", 1, SYSTEM, "steady-kubeconfig"))).create();
    hub.resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
    // The stuck region first: regions written one after another would reach steady only after it.
    var router = router(NS, ROUTER, List.of("hosted"), "stuck", "steady");
    router.getSpec().autoscaling.enabled = false; // the placement's replicas are the Deployment's
    hub.resource(router).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> replicas(steady) == 2 && replicas(stuckServer.client()) == 2);

    // Informers on a member hold only what the operator manages there, not the rest of the cluster,
    // and of it only the metadata.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !operator.memberCache(ConfigMap.class, "steady").isEmpty());
    assertThat(operator.memberCache(ConfigMap.class, "steady"))
        .allSatisfy(
            c ->
                assertThat(c.getMetadata().getLabels())
                    .containsEntry(ManagedLabels.MANAGED_BY_KEY, ManagedLabels.MANAGED_BY))
        .allSatisfy(c -> assertThat(c.getData()).as("a cached ConfigMap's data").isNullOrEmpty())
        .extracting(c -> c.getMetadata().getName())
        .contains(ROUTER + "-routing")
        .doesNotContain("someone-elses");

    stuckPath.hang();
    edit(
        hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER),
        r ->
            r.getSpec().regions =
                List.of(new RegionPlacement("stuck", 3), new RegionPlacement("steady", 3)));

    await().atMost(Duration.ofSeconds(60)).until(() -> replicas(steady) == 3);
    assertThat(stuckPath.abandoned())
        .as("calls to the stuck region given up before the steady one was written")
        .isZero();

    // Predictive scaling forecasts each region from its pods' start-up times: the stuck region's
    // pod listing waits while the steady region gets its autoscaler.
    var forecast = router(NS, FORECAST_ROUTER, List.of("hosted"), "stuck", "steady");
    forecast.getSpec().autoscaling.predictive = true;
    hub.resource(forecast).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> autoscalerOf(steady, FORECAST_ROUTER));
    assertThat(stuckPath.abandoned())
        .as("calls to the stuck region given up before the steady one got the predictive router")
        .isZero();

    // Probes: one of the stuck region failed (its call still waits), then the steady region
    // answered one of its own.
    await().atMost(Duration.ofSeconds(30)).until(() -> apiSignal("stuck") == ConditionStatus.False);
    String before = regionStatus("steady").lastProbeTime;
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                !regionStatus("steady").lastProbeTime.equals(before)
                    && apiSignal("steady") == ConditionStatus.True);
    assertThat(stuckPath.abandoned())
        .as("calls to the stuck region given up before the steady one was probed again")
        .isZero();

    // The reconcile did not wait for the stuck region: it reported it pending and went on.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> readyMessage().matches("(?s).*stuck \\(the [^)]*has not answered.*"));

    // Hub Leases: the steady region's is renewed, twice, while the stuck one's renewal waits. The
    // stuck region answers again until every call of the first hang has ended, then hangs anew.
    stuckPath.restore();
    await().atMost(Duration.ofSeconds(60)).until(() -> stuckPath.unanswered() == 0);
    int givenUpBefore = stuckPath.abandoned();
    stuckPath.hang();
    var first = leaseRenewTime(steady);
    await().atMost(Duration.ofSeconds(30)).until(() -> !leaseRenewTime(steady).equals(first));
    var second = leaseRenewTime(steady);
    await().atMost(Duration.ofSeconds(30)).until(() -> !leaseRenewTime(steady).equals(second));
    assertThat(stuckPath.abandoned())
        .as("calls to the stuck region given up before the steady one's Lease was renewed twice")
        .isEqualTo(givenUpBefore);
    assertThat(stuckPath.unanswered()).isPositive();

    // A deleted Region's client is closed and its watches stop.
    assertThat(operator.regionClients().connectedRegions()).contains("steady");
    assertThat(openWatches(steadyServer)).isPositive();
    hub.resources(Region.class).withName("steady").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !operator.regionClients().connectedRegions().contains("steady"));
    await().atMost(Duration.ofSeconds(30)).until(() -> openWatches(steadyServer) == 0);
    assertThat(operator.memberCache(ConfigMap.class, "steady")).isEmpty();
  }

  private static Region withRedis(Region region) {
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = redis.url();
    return region;
  }

  private static boolean autoscalerOf(KubernetesClient member, String router) {
    return member
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NS)
            .withName(router)
            .get()
        != null;
  }

  private static void kubeconfig(String region, String kubeconfig) {
    hub.resource(Fixtures.secret(SYSTEM, region + "-kubeconfig", Map.of("kubeconfig", kubeconfig)))
        .create();
  }

  private static int replicas(KubernetesClient member) {
    var deployment = member.apps().deployments().inNamespace(NS).withName(ROUTER).get();
    return deployment == null || deployment.getSpec().getReplicas() == null
        ? 0
        : deployment.getSpec().getReplicas();
  }

  private static String leaseRenewTime(KubernetesClient member) {
    var lease = member.leases().inNamespace("kube-system").withName("beastmode-hub").get();
    return lease == null ? "" : String.valueOf(lease.getSpec().getRenewTime());
  }

  private static String readyMessage() {
    var status = hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER).get().getStatus();
    if (status == null) {
      return "";
    }
    return status.conditions.stream()
        .filter(c -> Conditions.READY.equals(c.type))
        .map(c -> c.message)
        .findFirst()
        .orElse("");
  }

  private static RegionStatus regionStatus(String name) {
    var status = hub.resources(Region.class).withName(name).get().getStatus();
    return status == null ? new RegionStatus() : status;
  }

  private static ConditionStatus apiSignal(String region) {
    var signals = regionStatus(region).signals;
    return signals == null
        ? null
        : signals.stream()
            .filter(s -> "api".equals(s.name))
            .map(s -> s.status)
            .findFirst()
            .orElse(null);
  }

  /**
   * Watches the member's API server serves now on the kinds only the operator watches there (the
   * API server's own loopback clients watch configmaps and services, never these).
   */
  private static int openWatches(ApiServer server) {
    String metrics = server.client().raw("/metrics");
    return metrics
        .lines()
        .filter(line -> line.startsWith("apiserver_longrunning_requests{"))
        .filter(line -> line.contains("verb=\"WATCH\""))
        .filter(
            line ->
                line.contains("resource=\"deployments\"")
                    || line.contains("resource=\"poddisruptionbudgets\"")
                    || line.contains("resource=\"horizontalpodautoscalers\""))
        .mapToInt(line -> (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }
}
