package io.beastmode.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.testing.ApiServer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The API server compares an integer value with a fractional minimum truncated ({@code burnRate: 0}
 * passes {@code minimum: 0.1}), and likewise a negative fractional maximum. Every such bound in
 * crds/ must also be a CEL rule on {@code double(self)}; ApiValidationIT sends integers and
 * fractions at each bound to a real API server.
 */
class FractionalBoundsTest {

  /** A number field with a bound an integer slips past, and its CEL rules. */
  record Bound(String field, String bound, double value, List<String> rules) {}

  @Test
  void everyBoundAnIntegerSlipsPastIsAlsoACelRule() throws IOException {
    var bounds = new ArrayList<Bound>();
    for (Path file : ApiServer.yamlFiles(CrdDriftTest.COMMITTED)) {
      var crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      for (var version : crd.getSpec().getVersions()) {
        collect(
            crd.getSpec().getNames().getKind(), version.getSchema().getOpenAPIV3Schema(), bounds);
      }
    }

    assertThat(bounds)
        .extracting(Bound::field)
        .as("the fields this test knows of; a new one needs its rows in ApiValidationIT")
        .containsExactlyInAnyOrder(
            "ApiKey.spec.cache.maxWrongRate",
            "LLMRouter.spec.autoscaling.requestsPerSecondPerReplica",
            "LLMRouter.spec.cache.semantic.maxWrongRate",
            "LLMRouter.spec.circuitBreaker.failureRatio",
            "ServiceLevelObjective.spec.burnRateRules[].burnRate");
    assertThat(bounds)
        .allSatisfy(
            b ->
                assertThat(b.rules())
                    .as("%s %s %s", b.field(), b.bound(), b.value())
                    .anyMatch(
                        rule ->
                            rule.contains(
                                "double(self) "
                                    + (b.bound().equals("minimum") ? ">= " : "<= ")
                                    + BigDecimal.valueOf(b.value())
                                        .stripTrailingZeros()
                                        .toPlainString())));
  }

  private static void collect(String path, JSONSchemaProps schema, List<Bound> bounds) {
    if (schema == null) {
      return;
    }
    List<String> rules =
        schema.getXKubernetesValidations() == null
            ? List.of()
            : schema.getXKubernetesValidations().stream().map(ValidationRule::getRule).toList();
    Double min = number(schema.getMinimum());
    if (min != null && min > 0 && min != Math.floor(min)) {
      bounds.add(new Bound(path, "minimum", min, rules));
    }
    Double max = number(schema.getMaximum());
    if (max != null && max < 0 && max != Math.ceil(max)) {
      bounds.add(new Bound(path, "maximum", max, rules));
    }
    if (schema.getProperties() != null) {
      for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
        collect(path + "." + property.getKey(), property.getValue(), bounds);
      }
    }
    if (schema.getItems() != null) {
      collect(path + "[]", schema.getItems().getSchema(), bounds);
    }
    if (schema.getAdditionalProperties() != null) {
      collect(path + "{}", schema.getAdditionalProperties().getSchema(), bounds);
    }
  }

  private static Double number(Number value) {
    return value == null ? null : value.doubleValue();
  }
}
