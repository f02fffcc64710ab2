package io.beastmode.operator.slo;

import static io.beastmode.testing.Fixtures.burnRateRule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.PlatformCrds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The PrometheusRule the operator writes for an objective, applied as the operator applies it to an
 * API server with the Prometheus Operator's own CRD: the real schema accepts it. An apply the API
 * server refuses throws here, where the operator would only log it.
 */
class BurnRateAlertsIT {
  static ApiServer server;

  @BeforeAll
  static void start() {
    server = ApiServer.start().withCrds().withPlatformCrds(PlatformCrds.PROMETHEUS_RULE);
    server
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("beastmode-demo")
                .endMetadata()
                .build())
        .create();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  /** The example objective, and others at the edges of what a burn-rate rule may hold. */
  static Stream<ServiceLevelObjective> objectives() {
    var lowest = objective("lowest", List.of(burnRateRule("slowest", "30d", "1d", 0.1)));
    var many =
        objective(
            "many",
            List.of(
                burnRateRule("page", "1h", "5m", 14.4),
                burnRateRule("ticket", "6h", "30m", 6),
                burnRateRule("whole", "3d", "6h", 1),
                burnRateRule("huge", "5m", "1m", 1000)));
    return Stream.of(example(), lowest, many);
  }

  @ParameterizedTest
  @MethodSource("objectives")
  void theRealSchemaAcceptsTheRuleTheOperatorWrites(ServiceLevelObjective slo) {
    var rule = BurnRateAlerts.rule(slo);
    assertThat(rule).as("the objective asks for alerts").isNotNull();

    var stored = apply(rule);

    assertThat(stored.getAdditionalProperties().get("spec"))
        .isEqualTo(rule.getAdditionalProperties().get("spec"));
  }

  /** The check is real: the Prometheus Operator's schema refuses a rule without an expression. */
  @Test
  @SuppressWarnings("unchecked")
  void theRealSchemaRefusesARuleWithoutAnExpression() {
    var rule = BurnRateAlerts.rule(objective("broken", List.of(burnRateRule("r", "1h", "5m", 2))));
    var group =
        ((List<Map<String, Object>>)
                ((Map<String, Object>) rule.getAdditionalProperties().get("spec")).get("groups"))
            .get(0);
    var alert = new java.util.HashMap<>(((List<Map<String, Object>>) group.get("rules")).get(0));
    alert.remove("expr");
    rule.setAdditionalProperty(
        "spec",
        Map.of("groups", List.of(Map.of("name", group.get("name"), "rules", List.of(alert)))));

    assertThatThrownBy(() -> apply(rule))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("expr");
  }

  private static GenericKubernetesResource apply(GenericKubernetesResource rule) {
    return server
        .client()
        .genericKubernetesResources(BurnRateAlerts.PROMETHEUS_RULE)
        .inNamespace(rule.getMetadata().getNamespace())
        .resource(rule)
        .fieldManager(ManagedObjects.FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  /** The example objective, with the uid the API server would have given it (owner references). */
  private static ServiceLevelObjective example() {
    ServiceLevelObjective slo;
    try {
      slo =
          Serialization.unmarshal(
              Files.readString(Path.of("k8s", "examples", "40-slo.yaml")),
              ServiceLevelObjective.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    slo.getMetadata().setUid(UUID.randomUUID().toString());
    return slo;
  }

  private static ServiceLevelObjective objective(
      String name, List<io.beastmode.api.v1alpha1.BurnRateRule> rules) {
    var slo = example();
    slo.getMetadata().setName(name);
    slo.getSpec().burnRateRules = rules;
    return slo;
  }
}
