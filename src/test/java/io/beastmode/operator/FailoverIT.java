package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.router.LLMRouterReconciler;
import io.beastmode.operator.router.RouterResources;
import io.beastmode.operator.router.RouterStatusBuilder;
import io.beastmode.router.config.ConfigYaml;
import io.beastmode.router.config.TrafficConfig;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.SimulatedRouters;
import io.beastmode.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three regions, each its own API server: the hub's own and two members reached through TCP paths
 * that can be cut (a network partition; the servers behind keep running). Routers are simulated by
 * their heartbeats in a real Redis. The tests run in order, as one outage story.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static final String NS = "team-f";
  static final String ROUTER = "global";
  static final String SYSTEM = "beast-mode-system";
  static final int FAILBACK_SECONDS = 3;

  static ApiServer hubServer;
  static final Map<String, ApiServer> members = new LinkedHashMap<>();
  static final Map<String, TcpProxy> paths = new HashMap<>();
  static final List<FakeWorkloadController> workloads = new ArrayList<>();
  static KubernetesClient hub;
  static RedisServer redis;
  static SimulatedRouters routers;
  static OperatorUnderTest operator;

  @BeforeAll
  static void start() {
    hubServer = ApiServer.start().withCrds().withCrdsFrom(java.nio.file.Path.of("src/test/resources/crds"));
    hub = hubServer.client();
    redis = RedisServer.start();
    routers = new SimulatedRouters(redis.port());
    workloads.add(new FakeWorkloadController(hub));
    for (String ns : List.of(NS, SYSTEM)) {
      hub.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    hub.resource(withRedisAndEndpoint(region("hub", 1))).create();
    for (String name : List.of("east", "west")) {
      var server = ApiServer.start();
      members.put(name, server);
      workloads.add(new FakeWorkloadController(server.client()));
      var path = new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort());
      paths.put(name, path);
      putKubeconfig(name, path.rewrite(server.kubeconfig()));
      hub.resource(withRedisAndEndpoint(memberRegion(name, 1, SYSTEM, name + "-kubeconfig"))).create();
    }
    operator = new OperatorUnderTest(hub);
    hub.resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
    var router = router(NS, ROUTER, List.of("hosted"), "hub", "east", "west");
    router.getSpec().failover.failbackAfterSeconds = FAILBACK_SECONDS;
    router.getSpec().failover.shiftSteps = List.of(50, 100);
    router.getSpec().failover.maxFlapsPerHour = 2;
    hub.resource(router).create();
    hub.resource(entryPoint("HTTPRoute", "gateway.networking.k8s.io/v1", Map.of("rules", List.of(Map.of("backendRefs", List.of(
        Map.of("name", ROUTER + "-hub", "port", 8080, "weight", 1),
        Map.of("name", ROUTER + "-east", "port", 8080, "weight", 1),
        Map.of("name", ROUTER + "-west", "port", 8080, "weight", 1))))))).create();
    hub.resource(entryPoint("DNSEndpoint", "externaldns.k8s.io/v1alpha1", Map.of("endpoints", List.of("hub", "east", "west").stream()
        .map(r -> Map.of("dnsName", "llm.example.com", "recordType", "CNAME", "targets", List.of("router." + r + ".example"),
            "setIdentifier", r, "providerSpecific", List.of(Map.of("name", "aws/weight", "value", "1"))))
        .toList()))).create();
    routers.start(NS + "/" + ROUTER, "hub", 2, hub);
    members.forEach((name, server) -> routers.start(NS + "/" + ROUTER, name, 2, server.client()));
  }

  @AfterAll
  static void stop() {
    operator.close();
    routers.close();
    workloads.forEach(FakeWorkloadController::close);
    paths.values().forEach(TcpProxy::close);
    members.values().forEach(ApiServer::stop);
    hubServer.stop();
    redis.close();
  }

  @Test
  @Order(1)
  void everyRegionTakesAShareAtFirst() {
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(status().readyRegions).isEqualTo("3/3");
      assertThat(weights()).containsOnlyKeys("hub", "east", "west").allSatisfy((r, w) -> assertThat(w).isBetween(33, 34));
      assertThat(peerWeights("hub")).containsOnlyKeys("east", "west");
    });
    assertThat(status().regions).allSatisfy(r -> assertThat(r.trafficStage).isEqualTo(TrafficStage.Active));
    assertThat(status().lastFailover).isNull();
  }

  @Test
  @Order(2)
  void aRegionCutOffLosesItsTrafficAndTheOthersAreScaledToTakeIt() {
    String eastUid = members.get("east").client().apps().deployments().inNamespace(NS).withName(ROUTER).get().getMetadata().getUid();
    cut("east");

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(peerWeights("hub")).containsEntry("east", 0).containsEntry("west", 50);
      assertThat(peerWeights("west")).containsEntry("east", 0).containsEntry("hub", 50);
      assertThat(entry("east").trafficStage).isEqualTo(TrafficStage.FailedOver);
    });
    var east = entry("east");
    assertThat(east.trafficStage).isEqualTo(TrafficStage.FailedOver);
    assertThat(east.failovers).hasSize(1);
    assertThat(entry("hub").minReplicas).as("6 replicas of demand over 2 regions").isEqualTo(3);
    assertThat(hub.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NS).withName(ROUTER).get().getSpec().getMinReplicas()).isEqualTo(3);

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().lastFailover.convergedAt).isNotNull());
    var record = status().lastFailover;
    assertThat(record.region).isEqualTo("east");
    assertThat(record.reason).isEqualTo("RegionDown");
    assertThat(record.detectedAt).isLessThanOrEqualTo(record.decidedAt);
    assertThat(record.decidedAt).isLessThanOrEqualTo(record.appliedAt);
    assertThat(record.appliedAt).isLessThanOrEqualTo(record.convergedAt);
    assertThat(eventReasons()).contains("RegionDown", "TrafficConverged");
    assertThat(entryPointWeights()).containsEntry("route:east", 0).containsEntry("route:west", 50).containsEntry("route:hub", 50)
        .containsEntry("dns:east", 0).containsEntry("dns:west", 50).containsEntry("dns:hub", 50);
    assertThat(operator.registry().counter("beastmode.failovers", "router", NS + "/" + ROUTER, "reason", "RegionDown").count()).isEqualTo(1);

    // Nothing in the region cut off was touched: its routers keep running on their last config.
    var eastDeployment = members.get("east").client().apps().deployments().inNamespace(NS).withName(ROUTER).get();
    assertThat(eastDeployment.getMetadata().getUid()).isEqualTo(eastUid);
    assertThat(peerWeights("east")).as("east's own config still has its pre-outage weights").containsEntry("west", 33);
  }

  @Test
  @Order(3)
  void aRecoveredRegionFailsBackInStepsOnlyAfterTheHealthyPeriod() {
    long restoredAt = System.nanoTime();
    restore("east");
    var seen = new ArrayList<Integer>();
    long firstTrafficAt = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline) {
      int weight = peerWeights("hub").getOrDefault("east", -1);
      if (seen.isEmpty() || seen.get(seen.size() - 1) != weight) {
        seen.add(weight);
        if (weight > 0 && firstTrafficAt == 0) {
          firstTrafficAt = System.nanoTime();
        }
      }
      if (weight >= 33) {
        break;
      }
      sleep(100);
    }
    assertThat(seen).as("weights east was given, in order").hasSize(3);
    assertThat(seen.get(0)).isZero();
    assertThat(seen.get(1)).as("the 50 %% step of a third").isBetween(16, 17);
    assertThat(seen.get(2)).isBetween(33, 34);
    assertThat(Duration.ofNanos(firstTrafficAt - restoredAt)).as("no traffic before the healthy period").isGreaterThanOrEqualTo(Duration.ofSeconds(FAILBACK_SECONDS));
    await().atMost(Duration.ofSeconds(5)).until(() -> entry("east").trafficStage == TrafficStage.Active);
    assertThat(eventReasons()).contains("RegionServing", "FailbackStep", "FailbackComplete");
  }

  @Test
  @Order(4)
  void aHubRestartedMidFailbackResumesWithoutMovingTwice() {
    cut("west");
    await().atMost(Duration.ofSeconds(20)).until(() -> entry("west").trafficStage == TrafficStage.FailedOver);
    restore("west");
    await().atMost(Duration.ofSeconds(30)).until(() -> entry("west").trafficStage == TrafficStage.FailingBack);
    var before = entry("west");
    operator.close();
    sleep(1000);
    operator = new OperatorUnderTest(hub);

    await().atMost(Duration.ofSeconds(30)).until(() -> entry("west").trafficStage == TrafficStage.Active);
    var after = entry("west");
    assertThat(after.failovers).as("the restart counted no new failover").isEqualTo(before.failovers);
    assertThat(java.time.Instant.parse(after.stageSince)).isAfterOrEqualTo(java.time.Instant.parse(before.stageSince).plusSeconds(FAILBACK_SECONDS));
    assertThat(hub.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "RegionDown".equals(e.getReason()) && e.getMessage().startsWith("region west")).count()).isEqualTo(1);
  }

  @Test
  @Order(5)
  void aFlappingRegionIsHeldOutPastTheFlapLimitUntilReleased() {
    cut("east"); // east's second failover within the hour reaches the limit of 2
    await().atMost(Duration.ofSeconds(20)).until(() -> entry("east").trafficStage == TrafficStage.HeldOut);
    for (int i = 0; i < 5; i++) {
      restore("east");
      sleep(1500);
      assertThat(peerWeights("hub")).containsEntry("east", 0);
      cut("east");
      sleep(1500);
      assertThat(peerWeights("hub")).containsEntry("east", 0);
    }
    assertThat(entry("east").trafficStage).isEqualTo(TrafficStage.HeldOut);
    assertThat(eventReasons()).contains("FlapLimitReached");

    restore("east");
    hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER)
        .edit(r -> {
          r.getMetadata().getAnnotations().put(LLMRouterReconciler.RELEASE_ANNOTATION, "east");
          return r;
        });
    await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
        assertThat(entry("east").trafficStage).as(() -> io.fabric8.kubernetes.client.utils.Serialization.asYaml(hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER).get())
            + io.fabric8.kubernetes.client.utils.Serialization.asYaml(hub.resources(Region.class).withName("east").get().getStatus())).isEqualTo(TrafficStage.Active));
    assertThat(hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER).get().getMetadata().getAnnotations())
        .doesNotContainKey(LLMRouterReconciler.RELEASE_ANNOTATION);
  }

  @Test
  @Order(6)
  void moreThanHalfTheRegionsDownFreezesTraffic() {
    cut("west");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(peerWeights("hub")).containsEntry("west", 0).containsEntry("east", 50));
    cut("east");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var frozen = Conditions.find(status(), RouterStatusBuilder.TRAFFIC_FROZEN).orElseThrow();
      assertThat(frozen.status).isEqualTo(ConditionStatus.True);
      assertThat(frozen.message).contains("2 of 3 regions");
    });
    sleep(3000);
    assertThat(peerWeights("hub")).as("the last weights stand").containsEntry("east", 50);
    restore("east");
    restore("west");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(Conditions.find(status(), RouterStatusBuilder.TRAFFIC_FROZEN).orElseThrow().status).isEqualTo(ConditionStatus.False));
  }

  @Test
  @Order(7)
  void aRotatedKubeconfigSecretIsUsedAtOnce() {
    var server = members.get("east");
    try (var newPath = new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort())) {
      putKubeconfig("east", newPath.rewrite(server.kubeconfig()));
      paths.get("east").cut(); // the old path is gone for good
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        var status = hub.resources(Region.class).withName("east").get().getStatus();
        return status.serving && status.consecutiveSuccesses >= 3;
      });
      for (int i = 0; i < 6; i++) {
        assertThat(hub.resources(Region.class).withName("east").get().getStatus().consecutiveFailures).isZero();
        sleep(500);
      }
    }
  }

  private static io.fabric8.kubernetes.api.model.GenericKubernetesResource entryPoint(String kind, String apiVersion, Map<String, Object> spec) {
    var object = new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion).withKind(kind)
        .withNewMetadata().withName("llm").withNamespace(NS).withLabels(Map.of("beastmode.io/llmrouter", ROUTER)).endMetadata()
        .build();
    object.setAdditionalProperty("spec", spec);
    return object;
  }

  /** Weights the global entry points carry: route:<region> from the HTTPRoute, dns:<region> from the DNSEndpoint. */
  @SuppressWarnings("unchecked")
  private static Map<String, Integer> entryPointWeights() {
    var weights = new HashMap<String, Integer>();
    var route = hub.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(NS).withName("llm").get();
    var rules = (List<Map<String, Object>>) ((Map<String, Object>) route.getAdditionalProperties().get("spec")).get("rules");
    for (var ref : (List<Map<String, Object>>) rules.get(0).get("backendRefs")) {
      weights.put("route:" + ((String) ref.get("name")).substring(ROUTER.length() + 1), ((Number) ref.get("weight")).intValue());
    }
    var dns = hub.genericKubernetesResources("externaldns.k8s.io/v1alpha1", "DNSEndpoint").inNamespace(NS).withName("llm").get();
    for (var endpoint : (List<Map<String, Object>>) ((Map<String, Object>) dns.getAdditionalProperties().get("spec")).get("endpoints")) {
      var setting = ((List<Map<String, Object>>) endpoint.get("providerSpecific")).get(0);
      weights.put("dns:" + endpoint.get("setIdentifier"), Integer.parseInt((String) setting.get("value")));
    }
    return weights;
  }

  private static Region withRedisAndEndpoint(Region region) {
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = redis.url();
    region.getSpec().routerEndpoint = "http://router." + region.getMetadata().getName() + ".example:8080";
    return region;
  }

  private static void putKubeconfig(String region, String kubeconfig) {
    hub.secrets().inNamespace(SYSTEM).resource(new SecretBuilder()
        .withNewMetadata().withName(region + "-kubeconfig").endMetadata()
        .withStringData(Map.of("kubeconfig", kubeconfig))
        .build()).serverSideApply();
  }

  /** The region's API server cannot be reached and its routers stop publishing heartbeats. */
  private static void cut(String region) {
    paths.get(region).cut();
    routers.stop(region);
  }

  private static void restore(String region) {
    paths.get(region).restore();
    routers.start(NS + "/" + ROUTER, region, 2, members.get(region).client());
  }

  private static LLMRouterStatus status() {
    var status = hub.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER).get().getStatus();
    return status == null ? new LLMRouterStatus() : status;
  }

  private static RouterRegionStatus entry(String region) {
    return status().regions.stream().filter(r -> r.name.equals(region)).findFirst().orElseThrow();
  }

  private static Map<String, Integer> weights() {
    var weights = new HashMap<String, Integer>();
    status().regions.forEach(r -> weights.put(r.name, r.trafficWeight));
    return weights;
  }

  /** The weights a region's routers were given for their peers, read from that region's cluster. */
  private static Map<String, Integer> peerWeights(String region) {
    var client = "hub".equals(region) ? hub : members.get(region).client();
    var configMap = client.configMaps().inNamespace(NS).withName(RouterResources.configMapName(ROUTER)).get();
    try {
      var traffic = ConfigYaml.read(configMap.getData().get(RouterResources.TRAFFIC_KEY), TrafficConfig.class);
      var weights = new HashMap<String, Integer>();
      traffic.peers().forEach(p -> weights.put(p.region(), p.weight()));
      return weights;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> eventReasons() {
    return hub.v1().events().inNamespace(NS).list().getItems().stream().map(e -> e.getReason()).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
