package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static io.beastmode.testing.Fleet.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.router.RouterStatusBuilder;
import io.beastmode.operator.traffic.HoldReleases;
import io.beastmode.testing.Fleet;
import io.beastmode.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three regions, each its own API server: the hub's own and two members whose network path can be
 * cut (see {@link Fleet}). The tests run in order, as one outage story.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
  static final String NS = "team-f";
  static final String ROUTER = "global";
  static final int FAILBACK_SECONDS = 3;

  static Fleet fleet;

  @BeforeAll
  static void start() {
    fleet = new Fleet(NS, List.of("east", "west"), region -> {});

    var hub = fleet.hub();
    hub.resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
    var router = router(NS, ROUTER, List.of("hosted"), "hub", "east", "west");
    router.getSpec().failover.failbackAfterSeconds = FAILBACK_SECONDS;
    router.getSpec().failover.shiftSteps = List.of(50, 100);
    router.getSpec().failover.maxFlapsPerHour = 2;
    fleet.createRouter(router);
    fleet
        .hub()
        .resource(
            entryPoint(
                "HTTPRoute",
                "gateway.networking.k8s.io/v1",
                Map.of(
                    "rules",
                    List.of(
                        Map.of(
                            "backendRefs",
                            List.of(
                                Map.of("name", ROUTER + "-hub", "port", 8080, "weight", 1),
                                Map.of("name", ROUTER + "-east", "port", 8080, "weight", 1),
                                Map.of("name", ROUTER + "-west", "port", 8080, "weight", 1)))))))
        .create();
    fleet
        .hub()
        .resource(
            entryPoint(
                "DNSEndpoint",
                "externaldns.k8s.io/v1alpha1",
                Map.of(
                    "endpoints",
                    List.of("hub", "east", "west").stream()
                        .map(
                            r ->
                                Map.of(
                                    "dnsName",
                                    "llm.example.com",
                                    "recordType",
                                    "CNAME",
                                    "targets",
                                    List.of("router." + r + ".example"),
                                    "setIdentifier",
                                    r,
                                    "providerSpecific",
                                    List.of(Map.of("name", "aws/weight", "value", "1"))))
                        .toList())))
        .create();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @Test
  @Order(1)
  void everyRegionTakesAShareAtFirst() {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(fleet.status().readyRegions).isEqualTo("3/3");
              assertThat(weights())
                  .containsOnlyKeys("hub", "east", "west")
                  .allSatisfy((r, w) -> assertThat(w).isBetween(33, 34));
              assertThat(fleet.peerWeights("hub")).containsOnlyKeys("east", "west");
            });
    assertThat(fleet.status().regions)
        .allSatisfy(r -> assertThat(r.trafficStage).isEqualTo(TrafficStage.Active));
    assertThat(fleet.status().lastFailover).isNull();
  }

  @Test
  @Order(2)
  void aRegionCutOffLosesItsTrafficAndTheOthersAreScaledToTakeIt() {
    String eastUid =
        fleet
            .member("east")
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName(ROUTER)
            .get()
            .getMetadata()
            .getUid();
    fleet.cut("east");

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(fleet.peerWeights("hub"))
                  .containsEntry("east", 0)
                  .containsEntry("west", 50);
              assertThat(fleet.peerWeights("west"))
                  .containsEntry("east", 0)
                  .containsEntry("hub", 50);
              assertThat(fleet.entry("east").trafficStage).isEqualTo(TrafficStage.FailedOver);
            });
    var east = fleet.entry("east");
    assertThat(east.trafficStage).isEqualTo(TrafficStage.FailedOver);
    assertThat(east.failovers).hasSize(1);
    assertThat(fleet.entry("hub").minReplicas)
        .as("6 replicas of demand over 2 regions")
        .isEqualTo(3);
    assertThat(
            fleet
                .hub()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(NS)
                .withName(ROUTER)
                .get()
                .getSpec()
                .getMinReplicas())
        .isEqualTo(3);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(fleet.status().lastFailover.convergedAt).isNotNull());
    var record = fleet.status().lastFailover;
    assertThat(record.region).isEqualTo("east");
    assertThat(record.reason).isEqualTo("RegionDown");
    assertThat(record.detectedAt).isLessThanOrEqualTo(record.decidedAt);
    assertThat(record.decidedAt).isLessThanOrEqualTo(record.appliedAt);
    assertThat(record.appliedAt).isLessThanOrEqualTo(record.convergedAt);
    assertThat(eventReasons()).contains("RegionDown", "TrafficConverged");
    assertThat(entryPointWeights())
        .containsEntry("route:east", 0)
        .containsEntry("route:west", 50)
        .containsEntry("route:hub", 50)
        .containsEntry("dns:east", 0)
        .containsEntry("dns:west", 50)
        .containsEntry("dns:hub", 50);
    assertThat(
            fleet
                .operator()
                .registry()
                .counter("beastmode.failovers", "router", NS + "/" + ROUTER, "reason", "RegionDown")
                .count())
        .isEqualTo(1);

    // Nothing in the region cut off was touched: its routers keep running on their last config.
    var eastDeployment =
        fleet.member("east").apps().deployments().inNamespace(NS).withName(ROUTER).get();
    assertThat(eastDeployment.getMetadata().getUid()).isEqualTo(eastUid);
    assertThat(fleet.peerWeights("east"))
        .as("east's own config still has its pre-outage weights")
        .containsEntry("west", 33);
  }

  @Test
  @Order(3)
  void aRecoveredRegionFailsBackInStepsOnlyAfterTheHealthyPeriod() {
    long restoredAt = System.nanoTime();
    fleet.restore("east");
    var seen = new ArrayList<Integer>();
    long firstTrafficAt = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline) {
      int weight = fleet.peerWeights("hub").getOrDefault("east", -1);
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
    assertThat(Duration.ofNanos(firstTrafficAt - restoredAt))
        .as("no traffic before the healthy period")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(FAILBACK_SECONDS));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> fleet.entry("east").trafficStage == TrafficStage.Active);
    assertThat(eventReasons()).contains("RegionServing", "FailbackStep", "FailbackComplete");
  }

  @Test
  @Order(4)
  void aHubRestartedMidFailbackResumesWithoutMovingTwice() {
    fleet.cut("west");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fleet.entry("west").trafficStage == TrafficStage.FailedOver);
    // A second failover converges in status too (make bench-failover's second trial once waited
    // for it forever; FailoverRecorderTest pins down why, this run does not always hit it).
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              var record = fleet.status().lastFailover;
              assertThat(record.region).isEqualTo("west");
              assertThat(record.convergedAt).isNotNull();
            });
    fleet.restore("west");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fleet.entry("west").trafficStage == TrafficStage.FailingBack);
    var before = fleet.entry("west");
    fleet.restartOperator(1000);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> fleet.entry("west").trafficStage == TrafficStage.Active);
    var after = fleet.entry("west");
    assertThat(after.failovers)
        .as("the restart counted no new failover")
        .isEqualTo(before.failovers);
    assertThat(Instant.parse(after.stageSince))
        .isAfterOrEqualTo(Instant.parse(before.stageSince).plusSeconds(FAILBACK_SECONDS));
    assertThat(
            fleet.hub().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(
                    e ->
                        "RegionDown".equals(e.getReason())
                            && e.getMessage().startsWith("region west"))
                .count())
        .isEqualTo(1);
  }

  @Test
  @Order(5)
  void aFlappingRegionIsHeldOutPastTheFlapLimitUntilReleased() {
    fleet.cut("east"); // east's second failover within the hour reaches the limit of 2
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> fleet.entry("east").trafficStage == TrafficStage.HeldOut);
    for (int i = 0; i < 5; i++) {
      fleet.restore("east");
      sleep(1500);
      assertThat(fleet.peerWeights("hub")).containsEntry("east", 0);
      fleet.cut("east");
      sleep(1500);
      assertThat(fleet.peerWeights("hub")).containsEntry("east", 0);
    }
    assertThat(fleet.entry("east").trafficStage).isEqualTo(TrafficStage.HeldOut);
    assertThat(eventReasons()).contains("FlapLimitReached");

    fleet.restore("east");
    // As kubectl annotate does it: a merge patch, not a read-modify-write that races status writes.
    fleet
        .hub()
        .resources(LLMRouter.class)
        .inNamespace(NS)
        .withName(ROUTER)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + HoldReleases.ANNOTATION + "\":\"east\"}}}");
    await()
        .atMost(Duration.ofSeconds(40))
        .untilAsserted(
            () ->
                assertThat(fleet.entry("east").trafficStage)
                    .as(
                        () ->
                            Serialization.asYaml(
                                    fleet
                                        .hub()
                                        .resources(LLMRouter.class)
                                        .inNamespace(NS)
                                        .withName(ROUTER)
                                        .get())
                                + Serialization.asYaml(
                                    fleet
                                        .hub()
                                        .resources(Region.class)
                                        .withName("east")
                                        .get()
                                        .getStatus()))
                    .isEqualTo(TrafficStage.Active));
    assertThat(
            fleet
                .hub()
                .resources(LLMRouter.class)
                .inNamespace(NS)
                .withName(ROUTER)
                .get()
                .getMetadata()
                .getAnnotations())
        .doesNotContainKey(HoldReleases.ANNOTATION);
  }

  @Test
  @Order(6)
  void moreThanHalfTheRegionsDownFreezesTraffic() {
    fleet.cut("west");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(fleet.peerWeights("hub"))
                    .containsEntry("west", 0)
                    .containsEntry("east", 50));
    fleet.cut("east");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              var frozen =
                  Conditions.find(fleet.status(), RouterStatusBuilder.TRAFFIC_FROZEN).orElseThrow();
              assertThat(frozen.status).isEqualTo(ConditionStatus.True);
              assertThat(frozen.message).contains("2 of 3 regions");
            });
    sleep(3000);
    assertThat(fleet.peerWeights("hub")).as("the last weights stand").containsEntry("east", 50);
    fleet.restore("east");
    fleet.restore("west");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(fleet.status(), RouterStatusBuilder.TRAFFIC_FROZEN)
                            .orElseThrow()
                            .status)
                    .isEqualTo(ConditionStatus.False));
  }

  @Test
  @Order(7)
  void aRotatedKubeconfigSecretIsUsedAtOnce() {
    var server = fleet.memberServer("east");
    try (var newPath =
        new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort())) {
      fleet.putKubeconfig("east", newPath.rewrite(server.kubeconfig()));
      fleet.cutPathOnly("east"); // the old path is gone for good
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                var status = fleet.hub().resources(Region.class).withName("east").get().getStatus();
                return status.serving && status.consecutiveSuccesses >= 3;
              });
      for (int i = 0; i < 6; i++) {
        assertThat(
                fleet
                    .hub()
                    .resources(Region.class)
                    .withName("east")
                    .get()
                    .getStatus()
                    .consecutiveFailures)
            .isZero();
        sleep(500);
      }
    }
  }

  private static GenericKubernetesResource entryPoint(
      String kind, String apiVersion, Map<String, Object> spec) {
    var object =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(apiVersion)
            .withKind(kind)
            .withNewMetadata()
            .withName("llm")
            .withNamespace(NS)
            .withLabels(Map.of("beastmode.io/llmrouter", ROUTER))
            .endMetadata()
            .build();
    object.setAdditionalProperty("spec", spec);
    return object;
  }

  /**
   * Weights the global entry points carry: route:<region> from the HTTPRoute, dns:<region> from the
   * DNSEndpoint.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Integer> entryPointWeights() {
    var weights = new HashMap<String, Integer>();
    var route =
        fleet
            .hub()
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
            .inNamespace(NS)
            .withName("llm")
            .get();
    var rules =
        (List<Map<String, Object>>)
            ((Map<String, Object>) route.getAdditionalProperties().get("spec")).get("rules");
    for (var ref : (List<Map<String, Object>>) rules.get(0).get("backendRefs")) {
      weights.put(
          "route:" + ((String) ref.get("name")).substring(ROUTER.length() + 1),
          ((Number) ref.get("weight")).intValue());
    }
    var dns =
        fleet
            .hub()
            .genericKubernetesResources("externaldns.k8s.io/v1alpha1", "DNSEndpoint")
            .inNamespace(NS)
            .withName("llm")
            .get();
    for (var endpoint :
        (List<Map<String, Object>>)
            ((Map<String, Object>) dns.getAdditionalProperties().get("spec")).get("endpoints")) {
      var setting = ((List<Map<String, Object>>) endpoint.get("providerSpecific")).get(0);
      weights.put(
          "dns:" + endpoint.get("setIdentifier"), Integer.parseInt((String) setting.get("value")));
    }
    return weights;
  }

  private static Map<String, Integer> weights() {
    var weights = new HashMap<String, Integer>();
    fleet.status().regions.forEach(r -> weights.put(r.name, r.trafficWeight));
    return weights;
  }

  private static List<String> eventReasons() {
    return fleet.hub().v1().events().inNamespace(NS).list().getItems().stream()
        .map(e -> e.getReason())
        .toList();
  }
}
