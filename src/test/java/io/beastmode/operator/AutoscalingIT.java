package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.burnRateRule;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static io.beastmode.testing.UsageWriter.served;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveSpec;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveStatus;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.api.v1alpha1.SloTargets;
import io.beastmode.operator.autoscale.PredictiveScaling;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.Fleet;
import io.beastmode.testing.PlatformCrds;
import io.beastmode.testing.UsageWriter;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.TrafficConfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Autoscaling and SLOs on real API servers (the hub's and a member's) with a real Redis: the HPA
 * from the spec, scaling recorded, KEDA where installed, the predictive minimum from history in
 * Redis, and an objective's actions taken and undone. The HPA and KEDA controllers do not run here;
 * where the story needs them the test writes what they would (the HPA's status, KEDA's HPA).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AutoscalingIT {
  static final String NS = "team-a";
  static final String ROUTER = "scaled";
  static final String OWNER = NS + "/" + ROUTER;

  static Fleet fleet;
  static UsageWriter usage;

  @BeforeAll
  static void start() {
    fleet = new Fleet(NS, List.of("east"), region -> {});
    usage = new UsageWriter(fleet.redisUrl());
    fleet.hub().resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
    fleet.createRouter(router(NS, ROUTER, List.of("hosted"), "hub", "east"));
  }

  @AfterAll
  static void stop() {
    usage.close();
    fleet.close();
  }

  @Test
  @Order(1)
  void theHpaFollowsTheSpecInEveryRegion() {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              var hpa = hpa("east");
              assertThat(hpa).isNotNull();
              assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
              assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
              // No custom metrics adapter serves the in-flight gauge here: CPU alone, so that
              // the HPA can scale in (it does so only when it reads every metric of its spec).
              assertThat(hpa.getSpec().getMetrics())
                  .singleElement()
                  .satisfies(m -> assertThat(m.getResource().getName()).isEqualTo("cpu"));
              assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds())
                  .isEqualTo(300);
              assertThat(fleet.entry("east").autoscaler).isEqualTo("HorizontalPodAutoscaler");
            });

    editRouter(
        r -> {
          r.getSpec().autoscaling.maxReplicas = 8;
          r.getSpec().autoscaling.scaleUpPodsPerMinute = 6;
          r.getSpec().autoscaling.targetCpuUtilizationPercent = 55;
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (String region : List.of("hub", "east")) {
                var hpa = hpa(region);
                assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(8);
                assertThat(hpa.getSpec().getBehavior().getScaleUp().getPolicies().get(0).getValue())
                    .isEqualTo(6);
                assertThat(
                        hpa.getSpec()
                            .getMetrics()
                            .get(0)
                            .getResource()
                            .getTarget()
                            .getAverageUtilization())
                    .isEqualTo(55);
              }
            });
  }

  @Test
  @Order(2)
  void whatTheAutoscalerDoesIsRecorded() {
    String scaledAt =
        Instant.now().minusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    var hpa = hpa("east");
    hpa.setStatus(
        new HorizontalPodAutoscalerStatusBuilder()
            .withObservedGeneration(1L)
            .withCurrentReplicas(2)
            .withDesiredReplicas(5)
            .withLastScaleTime(scaledAt)
            .build());
    fleet.member("east").resource(hpa).updateStatus();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var east = fleet.entry("east");
              assertThat(east.currentReplicas).isEqualTo(2);
              assertThat(east.desiredReplicas).isEqualTo(5);
              assertThat(east.lastScaleTime).isEqualTo(scaledAt);
              assertThat(events("Scaled"))
                  .anyMatch(m -> m.contains("region east") && m.contains("-> 5"));
              assertThat(
                      fleet
                          .operator()
                          .registry()
                          .find("beastmode.autoscaling.events")
                          .tag("region", "east")
                          .tag("direction", "up")
                          .counter())
                  .isNotNull();
            });
  }

  @Test
  @Order(3)
  void whereKedaIsInstalledAScaledObjectReplacesTheHpaAndBack() throws Exception {
    var east = fleet.member("east");
    fleet.memberServer("east").withPlatformCrds(PlatformCrds.SCALED_OBJECT);
    editRouter(r -> r.getSpec().autoscaling.targetInFlightPerPod = 24);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var scaledObject = scaledObject();
              assertThat(scaledObject).isNotNull();
              var spec = spec(scaledObject);
              assertThat(spec.get("minReplicaCount")).isEqualTo(2);
              assertThat(spec.get("maxReplicaCount")).isEqualTo(8);
              var trigger = (Map<?, ?>) ((List<?>) spec.get("triggers")).get(0);
              assertThat(((Map<?, ?>) trigger.get("metadata")).get("threshold")).isEqualTo("24");
              assertThat(((Map<?, ?>) trigger.get("metadata")).get("query"))
                  .asString()
                  .contains("beastmode_router_inflight");
              assertThat(hpa("east")).as("never an HPA and a ScaledObject at once").isNull();
              assertThat(hpa("hub")).as("the hub has no KEDA").isNotNull();
              assertThat(fleet.entry("east").autoscaler).isEqualTo("ScaledObject");
            });

    // KEDA makes its own HPA, with the ScaledObject's labels; it is KEDA's, and its status is read.
    var scaledObject = scaledObject();
    east.resource(
            new HorizontalPodAutoscalerBuilder(hpaSpecOnly())
                .editMetadata()
                .withName("keda-hpa-" + ROUTER)
                .withLabels(scaledObject.getMetadata().getLabels())
                .withOwnerReferences(
                    new OwnerReferenceBuilder()
                        .withApiVersion("keda.sh/v1alpha1")
                        .withKind("ScaledObject")
                        .withName(ROUTER)
                        .withUid(scaledObject.getMetadata().getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .build())
        .create();
    var kedaHpa =
        east.autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NS)
            .withName("keda-hpa-" + ROUTER)
            .get();
    kedaHpa.setStatus(
        new HorizontalPodAutoscalerStatusBuilder()
            .withObservedGeneration(1L)
            .withCurrentReplicas(3)
            .withDesiredReplicas(3)
            .build());
    east.resource(kedaHpa).updateStatus();
    editRouter(r -> r.getSpec().autoscaling.targetCpuUtilizationPercent = 75);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(
                      ((Map<?, ?>)
                              ((Map<?, ?>) ((List<?>) spec(scaledObject()).get("triggers")).get(1))
                                  .get("metadata"))
                          .get("value"))
                  .isEqualTo("75");
              assertThat(fleet.entry("east").currentReplicas).isEqualTo(3);
              assertThat(
                      east.autoscaling()
                          .v2()
                          .horizontalPodAutoscalers()
                          .inNamespace(NS)
                          .withName("keda-hpa-" + ROUTER)
                          .get())
                  .as("KEDA's HPA is not ours to prune")
                  .isNotNull();
            });

    east.autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName("keda-hpa-" + ROUTER)
        .delete();
    var crd =
        east.apiextensions().v1().customResourceDefinitions().withName("scaledobjects.keda.sh");
    crd.delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> crd.get() == null);
    editRouter(r -> r.getSpec().autoscaling.targetInFlightPerPod = 20);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(hpa("east")).isNotNull();
              assertThat(fleet.entry("east").autoscaler).isEqualTo("HorizontalPodAutoscaler");
            });
  }

  @Test
  @Order(4)
  void predictiveScalingRaisesTheMinimumAheadOfADailyPeak() {
    // Three days of 3 req/s with an hour at 60 req/s starting at this time of day; today's peak is
    // next.
    long bucket = PredictiveScaling.BUCKET_SECONDS;
    long current = Instant.now().getEpochSecond() / bucket;
    for (long b = current - 3L * PredictiveScaling.BUCKETS_PER_DAY; b < current; b++) {
      long ofDay = Math.floorMod(b - current, PredictiveScaling.BUCKETS_PER_DAY);
      long rate = ofDay < 12 ? 60 : 3;
      usage.add(OWNER, "hub", served(rate * bucket, 0, 40), b * bucket + 1);
    }
    editRouter(
        r -> {
          r.getSpec().autoscaling.predictive = true;
          r.getSpec().autoscaling.requestsPerSecondPerReplica = 10.0;
        });

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var hub = fleet.entry("hub");
              assertThat(hub.forecastRequestsPerSecond).isBetween(50.0, 80.0);
              assertThat(hub.forecastLeadSeconds).isEqualTo(120);
              assertThat(hub.predictiveMinReplicas).isBetween(6, 8);
              assertThat(hpa("hub").getSpec().getMinReplicas())
                  .isEqualTo(hub.predictiveMinReplicas);
              // No history in the east: its minimum stays the spec's.
              assertThat(fleet.entry("east").predictiveMinReplicas).isEqualTo(2);
              assertThat(hpa("east").getSpec().getMinReplicas()).isEqualTo(2);
            });
  }

  @Test
  @Order(5)
  void aBurningObjectiveTakesItsActionsAndUndoesThemWhenTheBurnStops() {
    var slo = objective();
    fleet.hub().resource(slo).create();
    ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
    var failing = new java.util.concurrent.atomic.AtomicBoolean(true);
    // Every second: the hub serves cleanly, the east fails half its requests until told to stop.
    traffic.scheduleAtFixedRate(
        () -> {
          long now = Instant.now().getEpochSecond();
          usage.add(OWNER, "hub", served(50, 0, 40), now);
          usage.add(OWNER, "east", served(50, failing.get() ? 25 : 0, 40), now);
        },
        0,
        1,
        TimeUnit.SECONDS);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                var status = sloStatus();
                assertThat(status.burnRates)
                    .singleElement()
                    .satisfies(
                        rate -> {
                          assertThat(rate.firing).isTrue();
                          assertThat(rate.firingRegions).containsExactly("east");
                        });
                assertThat(inForce(status.lastActions))
                    .containsExactlyInAnyOrder(
                        "ScaleUp@east", "ShiftTraffic@east", "DegradeModel@null", "Alert@null");
                // The hub's three clean days of history (the forecast test's) keep most of the
                // 30-day budget.
                assertThat(status.errorBudgetRemainingPercent).isLessThan(100.0);
                assertThat(hpa("east").getSpec().getMinReplicas()).isEqualTo(3);
                assertThat(fleet.peerWeights("hub")).containsEntry("east", 25);
                assertThat(fleet.peerWeights("east")).containsEntry("hub", 75);
                assertThat(traffic("hub").degraded()).isTrue();
                assertThat(events("SloBurning")).isNotEmpty();
                var rule =
                    fleet
                        .hub()
                        .genericKubernetesResources(ALERTS)
                        .inNamespace(NS)
                        .withName("chat-burn-rate")
                        .get();
                assertThat(rule).isNotNull();
                assertThat(Serialization.asJson(rule.getAdditionalProperties().get("spec")))
                    .contains("beastmode_slo_burn_rate")
                    .contains("> 2.0");
              });

      failing.set(false);
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                var status = sloStatus();
                assertThat(inForce(status.lastActions)).isEmpty();
                assertThat(status.lastActions).hasSize(4).allMatch(r -> r.undoneAt != null);
                assertThat(hpa("east").getSpec().getMinReplicas()).isEqualTo(2);
                assertThat(fleet.peerWeights("hub")).containsEntry("east", 50);
                assertThat(traffic("hub").degraded()).isFalse();
                assertThat(events("SloRecovered")).isNotEmpty();
              });
    } finally {
      traffic.shutdownNow();
    }
  }

  /**
   * An objective evaluates an hour apart here, so only its router's informer can bring it from
   * RouterNotFound to an evaluation within the minute the test waits.
   */
  @Test
  @Order(6)
  void anObjectiveIsEvaluatedAsSoonAsItsRouterComes() {
    var slo = objective();
    slo.getMetadata().setName("late");
    slo.getSpec().routerRef = new NamedReference("late");
    slo.getSpec().evaluationIntervalSeconds = 3600;
    fleet.hub().resource(slo).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(ready("late").reason).isEqualTo("RouterNotFound"));

    fleet.hub().resource(router(NS, "late", List.of("hosted"), "hub")).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var ready = ready("late");
              assertThat(ready.reason).isEqualTo("Evaluated");
              assertThat(ready.message).isEqualTo("evaluated over 1 region(s)");
            });
  }

  static final ResourceDefinitionContext ALERTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("monitoring.coreos.com")
          .withVersion("v1")
          .withKind("PrometheusRule")
          .withPlural("prometheusrules")
          .withNamespaced(true)
          .build();

  private static ServiceLevelObjective objective() {
    var slo = new ServiceLevelObjective();
    slo.setMetadata(new ObjectMetaBuilder().withName("chat").withNamespace(NS).build());
    var spec = new ServiceLevelObjectiveSpec();
    spec.routerRef = new NamedReference(ROUTER);
    spec.targets = new SloTargets();
    spec.targets.availabilityPercent = 99.0;
    spec.evaluationIntervalSeconds = 5;
    spec.actionCooldownSeconds = 5;
    spec.burnRateRules = List.of(burnRateRule("fast", "60s", "20s", 2.0));
    slo.setSpec(spec);
    return slo;
  }

  private static ServiceLevelObjectiveStatus sloStatus() {
    var status =
        fleet
            .hub()
            .resources(ServiceLevelObjective.class)
            .inNamespace(NS)
            .withName("chat")
            .get()
            .getStatus();
    assertThat(status).as("objective evaluated").isNotNull();
    return status;
  }

  private static Condition ready(String name) {
    var slo =
        fleet.hub().resources(ServiceLevelObjective.class).inNamespace(NS).withName(name).get();
    assertThat(slo.getStatus()).as("objective evaluated").isNotNull();
    return Conditions.find(slo.getStatus(), Conditions.READY).orElseThrow();
  }

  private static List<String> inForce(List<SloActionRecord> records) {
    return records == null
        ? List.of()
        : records.stream()
            .filter(r -> r.undoneAt == null)
            .map(r -> r.action + "@" + r.region)
            .toList();
  }

  private static TrafficConfig traffic(String region) throws Exception {
    var configMap =
        fleet
            .client(region)
            .configMaps()
            .inNamespace(NS)
            .withName(RoutingConfigMap.name(ROUTER))
            .get();
    return ConfigYaml.read(
        configMap.getData().get(RoutingConfigMap.TRAFFIC_KEY), TrafficConfig.class);
  }

  private static HorizontalPodAutoscaler hpa(String region) {
    return fleet
        .client(region)
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(NS)
        .withName(ROUTER)
        .get();
  }

  private static HorizontalPodAutoscaler hpaSpecOnly() {
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(ROUTER)
        .endScaleTargetRef()
        .withMaxReplicas(8)
        .endSpec()
        .build();
  }

  private static GenericKubernetesResource scaledObject() {
    return fleet
        .member("east")
        .genericKubernetesResources(ManagedObjects.SCALED_OBJECT)
        .inNamespace(NS)
        .withName(ROUTER)
        .get();
  }

  private static Map<?, ?> spec(GenericKubernetesResource object) {
    return (Map<?, ?>) object.getAdditionalProperties().get("spec");
  }

  private static List<String> events(String reason) {
    return fleet.hub().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .map(io.fabric8.kubernetes.api.model.Event::getMessage)
        .toList();
  }

  private static void editRouter(Consumer<LLMRouter> edit) {
    Fixtures.edit(fleet.hub().resources(LLMRouter.class).inNamespace(NS).withName(ROUTER), edit);
  }
}
