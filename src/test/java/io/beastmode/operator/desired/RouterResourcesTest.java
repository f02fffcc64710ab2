package io.beastmode.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.beastmode.operator.access.AccessRules;
import io.beastmode.operator.resolved.ExampleRouters;
import io.beastmode.operator.slo.SloActionsInForce;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden tests: the example router's objects in each region, compared with the committed YAML in
 * src/test/resources/golden (rewrite with -Dgolden.update=true after an intended change).
 */
class RouterResourcesTest {
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .serializationInclusion(JsonInclude.Include.NON_EMPTY)
          .build();

  @ParameterizedTest
  @ValueSource(strings = {"eu-west", "us-east"})
  void theExampleRouterMatchesItsGoldenObjects(String region) throws IOException {
    var inputs = ExampleRouters.load();
    List<HasMetadata> objects = desired(inputs, region, "beast-mode:0.1.0");
    var actual = new StringBuilder();
    for (HasMetadata object : objects) {
      actual.append("---\n").append(YAML.writeValueAsString(object));
    }
    Path golden = GOLDEN.resolve("assistant-" + region + ".yaml");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual);
    }
    assertThat(actual.toString()).isEqualTo(Files.readString(golden));
  }

  /** A pod started without the operator's environment (docker run, a hand-made Deployment). */
  @Test
  void theImagesDefaultJvmOptionsAreTheRouterPods() throws IOException {
    assertThat(Files.readString(Path.of("image", "java-options")).strip())
        .isEqualTo(RouterJvmOptions.DEFAULT);
  }

  @Test
  void aRegionsOwnEndpointWinsAndModelsWithoutOneAreLeftOut() throws IOException {
    var inputs = ExampleRouters.load();
    var routing =
        ConfigYaml.read(
            configMap(desired(inputs, "us-east", "img"))
                .getData()
                .get(RoutingConfigMap.ROUTING_KEY),
            RoutingConfig.class);
    assertThat(routing.models())
        .extracting(m -> m.name())
        .containsExactly("gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b");
    assertThat(routing.models().get(3).baseUrl())
        .isEqualTo("http://vllm-llama-8b.inference.svc:8000/v1");
    assertThat(routing.models().get(0).apiKeyEnv())
        .isEqualTo("BEASTMODE_KEY_OPENAI_CREDENTIALS_APIKEY");

    inputs.pools.get(1).getSpec().models.get(1).endpoints =
        List.of(inputs.pools.get(1).getSpec().models.get(1).endpoints.get(0));
    var withoutUsEast =
        ConfigYaml.read(
            configMap(desired(inputs, "us-east", "img"))
                .getData()
                .get(RoutingConfigMap.ROUTING_KEY),
            RoutingConfig.class);
    assertThat(withoutUsEast.models()).extracting(m -> m.name()).doesNotContain("llama-3.1-8b");
  }

  @Test
  void trafficWeightsDoNotChangeTheConfigHash() {
    var inputs = ExampleRouters.load();
    var before = configMap(desired(inputs, "eu-west", "img"));
    inputs.region("us-east").getSpec().traffic.weight = 5;
    var after = configMap(desired(inputs, "eu-west", "img"));
    assertThat(after.getData().get(RoutingConfigMap.TRAFFIC_KEY))
        .isNotEqualTo(before.getData().get(RoutingConfigMap.TRAFFIC_KEY));
    assertThat(RoutingConfigMap.configHash(after)).isEqualTo(RoutingConfigMap.configHash(before));

    inputs.pools.get(0).getSpec().models.get(0).pricing.outputPerMillion = 12;
    var repriced = configMap(desired(inputs, "eu-west", "img"));
    assertThat(RoutingConfigMap.configHash(repriced))
        .isNotEqualTo(RoutingConfigMap.configHash(before));
  }

  @Test
  void withoutACustomMetricsAdapterTheHpaAsksForCpuAloneSoItCanScaleIn() {
    var inputs = ExampleRouters.load();
    var withAdapter = hpa(desired(inputs, "eu-west", "img", true));
    assertThat(withAdapter.getSpec().getMetrics())
        .extracting(MetricSpec::getType)
        .containsExactly("Pods", "Resource");
    assertThat(withAdapter.getSpec().getMetrics().get(0).getPods().getMetric().getName())
        .isEqualTo(Autoscaler.IN_FLIGHT_METRIC);

    var cpuOnly = hpa(desired(inputs, "eu-west", "img", false));
    assertThat(cpuOnly.getSpec().getMetrics())
        .singleElement()
        .satisfies(
            metric -> {
              assertThat(metric.getResource().getName()).isEqualTo("cpu");
              assertThat(metric.getResource().getTarget().getAverageUtilization())
                  .isEqualTo(
                      inputs.routers.get(0).getSpec().autoscaling.targetCpuUtilizationPercent);
            });
    // The same bounds and behaviour either way.
    assertThat(cpuOnly.getSpec().getMinReplicas())
        .isEqualTo(withAdapter.getSpec().getMinReplicas());
    assertThat(cpuOnly.getSpec().getMaxReplicas())
        .isEqualTo(withAdapter.getSpec().getMaxReplicas());
    assertThat(cpuOnly.getSpec().getBehavior()).isEqualTo(withAdapter.getSpec().getBehavior());
    // KEDA reads the gauge from Prometheus itself: no adapter needed.
    assertThat(Autoscaler.choose(true, true, false)).isEqualTo(Autoscaler.KEDA_SCALED_OBJECT);
  }

  private static HorizontalPodAutoscaler hpa(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> o instanceof HorizontalPodAutoscaler)
        .map(o -> (HorizontalPodAutoscaler) o)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void withoutAutoscalingThereIsNoAutoscalerAndReplicasAreFixedWithinCapacity() {
    var inputs = ExampleRouters.load();
    var router = inputs.routers.get(0);
    router.getSpec().autoscaling.enabled = false;
    router.getSpec().regions.get(0).replicas = 50;
    var objects = desired(inputs, "eu-west", "img");
    assertThat(objects).noneMatch(o -> o instanceof HorizontalPodAutoscaler);
    var deployment =
        objects.stream()
            .filter(o -> o instanceof Deployment)
            .map(o -> (Deployment) o)
            .findFirst()
            .orElseThrow();
    assertThat(deployment.getSpec().getReplicas())
        .as("capped by the region's maxRouterReplicas")
        .isEqualTo(20);
  }

  private static ConfigMap configMap(List<HasMetadata> objects) {
    return objects.stream()
        .filter(o -> o instanceof ConfigMap)
        .map(o -> (ConfigMap) o)
        .findFirst()
        .orElseThrow();
  }

  /**
   * The objects for a region without KEDA, with an adapter serving the in-flight gauge and without
   * SLO actions in force.
   */
  private static List<HasMetadata> desired(ExampleRouters inputs, String region, String image) {
    return desired(inputs, region, image, true);
  }

  private static List<HasMetadata> desired(
      ExampleRouters inputs, String region, String image, boolean inFlightMetricServed) {
    var router = inputs.resolved();
    var autoscaler =
        Autoscaler.choose(
            router.router().getSpec().autoscaling.enabled, false, inFlightMetricServed);
    return RouterResources.desired(
        router,
        inputs.region(region),
        image,
        inputs.traffic(),
        autoscaler,
        SloActionsInForce.NONE,
        AccessRules.of(router.router(), inputs.keys, NOW));
  }
}
