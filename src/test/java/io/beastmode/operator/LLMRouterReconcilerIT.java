package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator against a real API server, in the hub's own region. */
class LLMRouterReconcilerIT {
  static final String NS = "team-a";
  static ApiServer server;
  static KubernetesClient client;
  static FakeWorkloadController workloads;
  static OperatorUnderTest operator;

  @BeforeAll
  static void start() {
    server = ApiServer.start().withCrds();
    client = server.client();
    workloads = new FakeWorkloadController(client);
    operator = new OperatorUnderTest(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client.resource(region("local", 1)).create();
  }

  @AfterAll
  static void stop() {
    operator.close();
    workloads.close();
    server.stop();
  }

  @Test
  void createsTheRouterObjectsWithOwnerLabelsAndReportsReady() {
    client
        .resource(pool(NS, "hosted", model("big", 2.5, 10, 0.9), model("small", 0.15, 0.6, 0.7)))
        .create();
    client.resource(router(NS, "alpha", List.of("hosted"), "local")).create();

    var ready = awaitReady("alpha");
    Map<String, String> expectedLabels =
        Map.of(
            ManagedLabels.MANAGED_BY_KEY, "beast-mode",
            ManagedLabels.OWNER_KEY, "team-a.alpha",
            ManagedLabels.REGION_KEY, "local");
    for (var kind : ManagedObjects.KINDS) {
      var objects =
          client
              .resources(kind)
              .inNamespace(NS)
              .withLabel(ManagedLabels.OWNER_KEY, "team-a.alpha")
              .list()
              .getItems();
      // Services: the API, and the management port's for Prometheus.
      assertThat(objects).as(kind.getSimpleName()).hasSize(kind == Service.class ? 2 : 1);
      objects.forEach(
          object ->
              assertThat(object.getMetadata().getLabels()).containsAllEntriesOf(expectedLabels));
    }
    var deployment = client.apps().deployments().inNamespace(NS).withName("alpha").get();
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo(OperatorUnderTest.ROUTER_IMAGE);
    assertThat(container.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("BEASTMODE_ROLE");
              assertThat(e.getValue()).isEqualTo("router");
            });
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();

    // Clients reach the API only: health and metrics are on a port only the metrics Service has.
    assertThat(client.services().inNamespace(NS).withName("alpha").get().getSpec().getPorts())
        .extracting(p -> p.getTargetPort().getStrVal())
        .containsExactly("http");
    assertThat(
            client.services().inNamespace(NS).withName("alpha-metrics").get().getSpec().getPorts())
        .extracting(p -> p.getTargetPort().getStrVal())
        .containsExactly("management");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");

    var configMap = client.configMaps().inNamespace(NS).withName("alpha-routing").get();
    assertThat(configMap.getData().get(RoutingConfigMap.ROUTING_KEY))
        .contains("name: big", "name: small", "inputPerMillion: 2.5");
    var region = ready.getStatus().regions.get(0);
    assertThat(region.name).isEqualTo("local");
    assertThat(region.readyReplicas).isEqualTo(region.desiredReplicas);
    assertThat(region.configHash).isEqualTo(RoutingConfigMap.configHash(configMap));
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("beastmode.io/config-hash", region.configHash);
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());
    assertThat(ready.getStatus().readyRegions).isEqualTo("1/1");

    var hpa =
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inNamespace(NS)
            .withName("alpha")
            .get();
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
  }

  @Test
  void anUpdateChangesOnlyTheObjectsItConcerns() {
    client.resource(pool(NS, "upd", model("m1", 1, 2, 0.8))).create();
    client.resource(router(NS, "beta", List.of("upd"), "local")).create();
    awaitReady("beta");
    var before = versions("beta");

    edit("beta", r -> r.getSpec().autoscaling.maxReplicas = 7);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(NS)
                        .withName("beta")
                        .get()
                        .getSpec()
                        .getMaxReplicas()
                    == 7);
    awaitReady("beta");
    var afterHpaChange = versions("beta");
    assertThat(afterHpaChange.get("HorizontalPodAutoscaler"))
        .isNotEqualTo(before.get("HorizontalPodAutoscaler"));
    for (var kind : List.of("Deployment", "ConfigMap", "Service", "PodDisruptionBudget")) {
      assertThat(afterHpaChange.get(kind))
          .as(kind + " untouched by an autoscaling change")
          .isEqualTo(before.get(kind));
    }

    // A price change in the pool re-renders the routing config and rolls the routers.
    String hashBefore = Fixtures.configHashOfTemplate(client, NS, "beta");
    var pool = client.resources(ModelPool.class).inNamespace(NS).withName("upd").get();
    pool.getSpec().models.get(0).pricing.inputPerMillion = 1.5;
    client.resource(pool).update();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !Fixtures.configHashOfTemplate(client, NS, "beta").equals(hashBefore));
    // The Deployment is applied just before the ConfigMap (replicas before weights): the new config
    // follows it.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .configMaps()
                            .inNamespace(NS)
                            .withName("beta-routing")
                            .get()
                            .getData()
                            .get(RoutingConfigMap.ROUTING_KEY))
                    .contains("inputPerMillion: 1.5"));
    var afterPriceChange = versions("beta");
    assertThat(afterPriceChange.get("Service")).isEqualTo(before.get("Service"));
    assertThat(afterPriceChange.get("PodDisruptionBudget"))
        .isEqualTo(before.get("PodDisruptionBudget"));
  }

  @Test
  void turningAutoscalingOffRemovesTheAutoscalerAndFixesReplicas() {
    client.resource(pool(NS, "fixed", model("m2", 1, 2, 0.8))).create();
    client.resource(router(NS, "gamma", List.of("fixed"), "local")).create();
    awaitReady("gamma");
    edit(
        "gamma",
        r -> {
          r.getSpec().autoscaling.enabled = false;
          r.getSpec().regions.get(0).replicas = 3;
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(NS)
                        .withName("gamma")
                        .get()
                    == null);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("gamma")
                        .get()
                        .getSpec()
                        .getReplicas()
                    == 3);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var status =
                  client
                      .resources(LLMRouter.class)
                      .inNamespace(NS)
                      .withName("gamma")
                      .get()
                      .getStatus();
              return status.regions.get(0).readyReplicas == 3 && isReady(status);
            });
  }

  @Test
  void aMissingReferenceIsReportedAndHealsWhenItAppears() {
    client.resource(router(NS, "delta", List.of("not-yet"), "local")).create();
    var notReady = awaitCondition("delta", ConditionStatus.False, "ModelPoolNotFound");
    assertThat(readyMessage(notReady)).contains("not-yet", NS);
    assertThat(client.apps().deployments().inNamespace(NS).withName("delta").get()).isNull();

    client.resource(pool(NS, "not-yet", model("m3", 1, 1, 0.5))).create();
    awaitReady("delta");
  }

  @Test
  void aFallbackChainNamingAnUnknownModelIsReported() {
    client.resource(pool(NS, "chain", model("known", 1, 1, 0.5))).create();
    var router = router(NS, "epsilon", List.of("chain"), "local");
    router.getSpec().fallback.chain = List.of("known", "ghost-model");
    client.resource(router).create();
    var status = awaitCondition("epsilon", ConditionStatus.False, "UnknownFallbackModel");
    assertThat(readyMessage(status)).contains("spec.fallback.chain", "ghost-model");
  }

  @Test
  void aMissingRegionIsReported() {
    client.resource(pool(NS, "nowhere", model("m4", 1, 1, 0.5))).create();
    client.resource(router(NS, "zeta", List.of("nowhere"), "local", "atlantis")).create();
    var status = awaitCondition("zeta", ConditionStatus.False, "RegionNotFound");
    assertThat(readyMessage(status)).contains("atlantis");
  }

  @Test
  void deletingTheRouterRemovesEverythingItCreated() {
    client.resource(pool(NS, "gone", model("m5", 1, 1, 0.5))).create();
    client.resource(router(NS, "eta", List.of("gone"), "local")).create();
    awaitReady("eta");
    client.resources(LLMRouter.class).inNamespace(NS).withName("eta").delete();
    // No garbage collector runs next to this API server: the operator itself must clean up.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ManagedObjects.KINDS.stream()
                    .allMatch(
                        kind ->
                            client
                                .resources(kind)
                                .inNamespace(NS)
                                .withLabel(ManagedLabels.OWNER_KEY, "team-a.eta")
                                .list()
                                .getItems()
                                .isEmpty()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> client.resources(LLMRouter.class).inNamespace(NS).withName("eta").get() == null);
  }

  @Test
  void theLocalRegionIsProbedAndCountsItsRouters() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var status = client.resources(Region.class).withName("local").get().getStatus();
              assertThat(status.phase).isEqualTo(RegionPhase.Healthy);
              assertThat(status.apiLatencyMillis).isNotNull();
              assertThat(status.lastProbeTime).isNotBlank();
              assertThat(Conditions.find(status, Conditions.READY).orElseThrow().status)
                  .isEqualTo(ConditionStatus.True);
            });
    client.resource(pool(NS, "count", model("m6", 1, 1, 0.5))).create();
    client.resource(router(NS, "theta", List.of("count"), "local")).create();
    awaitReady("theta");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              var status = client.resources(Region.class).withName("local").get().getStatus();
              return status.routersReady != null
                  && status.routersReady > 0
                  && status.routersReady.equals(status.routersDesired);
            });
  }

  @Test
  void aNewRoutingRevisionIsRefusedOverAConfigMapAnotherWriterChangedMeanwhile() {
    var first = RoutingConfigMap.withRevision(routingFiles("race", "weights: {a: 1}"), null, 1_000);
    var counted = applyRouting(first);
    // Another operator replica (a leader handing over) writes a newer revision after this one
    // listed the ConfigMap; a write counted from the listed copy must not put it back behind.
    applyRouting(
        RoutingConfigMap.withRevision(routingFiles("race", "weights: {b: 1}"), counted, 3_000));

    var late =
        RoutingConfigMap.withRevision(routingFiles("race", "weights: {c: 1}"), counted, 2_000);
    assertThatThrownBy(() -> applyRouting(late))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    var live = client.configMaps().inNamespace(NS).withName("race-routing").get();
    assertThat(RoutingConfigMap.revision(live)).isEqualTo(3_000);

    // Counted again from what the other writer left, it goes through and orders after it.
    var recounted =
        applyRouting(
            RoutingConfigMap.withRevision(routingFiles("race", "weights: {c: 1}"), live, 2_000));
    assertThat(RoutingConfigMap.revision(recounted)).isEqualTo(3_001);
  }

  private static ConfigMap routingFiles(String router, String traffic) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(router + "-routing")
        .withNamespace(NS)
        .endMetadata()
        .withData(
            Map.of(
                RoutingConfigMap.ROUTING_KEY, "models: []", RoutingConfigMap.TRAFFIC_KEY, traffic))
        .build();
  }

  private static ConfigMap applyRouting(ConfigMap files) {
    return client
        .resource(files)
        .fieldManager(ManagedObjects.FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  private static Map<String, String> versions(String router) {
    var versions = new HashMap<String, String>();
    for (var kind :
        List.of(
            ConfigMap.class,
            Deployment.class,
            Service.class,
            HorizontalPodAutoscaler.class,
            PodDisruptionBudget.class)) {
      for (HasMetadata object :
          client
              .resources(kind)
              .inNamespace(NS)
              .withLabel(ManagedLabels.OWNER_KEY, NS + "." + router)
              .list()
              .getItems()) {
        versions.put(object.getKind(), object.getMetadata().getResourceVersion());
      }
    }
    return versions;
  }

  private static void edit(String name, java.util.function.Consumer<LLMRouter> change) {
    Fixtures.edit(client.resources(LLMRouter.class).inNamespace(NS).withName(name), change);
  }

  private static LLMRouter awaitReady(String name) {
    return awaitCondition(name, ConditionStatus.True, "AllRegionsReady");
  }

  private static LLMRouter awaitCondition(String name, ConditionStatus status, String reason) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var router = client.resources(LLMRouter.class).inNamespace(NS).withName(name).get();
              return router.getStatus() != null
                  && Conditions.find(router.getStatus(), Conditions.READY)
                      .filter(
                          c ->
                              c.status == status
                                  && c.reason.equals(reason)
                                  && c.observedGeneration == router.getMetadata().getGeneration())
                      .isPresent();
            });
    return client.resources(LLMRouter.class).inNamespace(NS).withName(name).get();
  }

  private static boolean isReady(io.beastmode.api.v1alpha1.LLMRouterStatus status) {
    return Conditions.find(status, Conditions.READY)
        .map(c -> c.status == ConditionStatus.True)
        .orElse(false);
  }

  private static String readyMessage(LLMRouter router) {
    return Conditions.find(router.getStatus(), Conditions.READY).orElseThrow().message;
  }
}
