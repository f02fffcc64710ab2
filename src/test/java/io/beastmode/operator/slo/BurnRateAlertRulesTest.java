package io.beastmode.operator.slo;

import static io.beastmode.testing.Fixtures.burnRateRule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveSpec;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloTargets;
import io.beastmode.testing.Prometheus;
import io.beastmode.testing.TempFiles;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts the operator writes into a PrometheusRule, as Prometheus's own promtool reads them:
 * rendered for a representative objective into a rule file, they pass {@code promtool check rules}
 * (lint warnings fatal), and the unit tests in
 * src/test/resources/prometheus/burn-rate-alerts.test.yaml, with series that must fire and series
 * that must not, pass {@code promtool test rules}.
 */
class BurnRateAlertRulesTest {
  private static final Path WORK = Path.of("target", "promtool", "burn-rate-alerts");
  private static final Path UNIT_TESTS =
      Path.of("src", "test", "resources", "prometheus", "burn-rate-alerts.test.yaml");
  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  @BeforeAll
  static void renderTheRules() throws Exception {
    TempFiles.delete(WORK);
    Files.createDirectories(WORK);
    var rule = BurnRateAlerts.rule(assistant());
    // A PrometheusRule's spec is a rule file: its groups.
    Files.writeString(
        WORK.resolve("burn-rate-alerts.yaml"),
        YAML.writeValueAsString(rule.getAdditionalProperties().get("spec")));
    Files.copy(UNIT_TESTS, WORK.resolve(UNIT_TESTS.getFileName()));
  }

  @Test
  void theRenderedRulesPassPromtoolCheck() {
    var check =
        Prometheus.promtool(
            WORK, "check", "rules", "--lint=all", "--lint-fatal", "burn-rate-alerts.yaml");

    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 3 rules found");
  }

  @Test
  void theRenderedRulesPassTheirPromtoolUnitTests() {
    var test = Prometheus.promtool(WORK, "test", "rules", UNIT_TESTS.getFileName().toString());

    assertThat(test.exitCode()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");
  }

  /**
   * The example's two paging rules (k8s/examples/40-slo.yaml, after the SRE workbook), a ticket
   * rule and a rule that only scales.
   */
  private static ServiceLevelObjective assistant() {
    var slo = new ServiceLevelObjective();
    slo.setMetadata(
        new ObjectMetaBuilder().withNamespace("beastmode-demo").withName("assistant").build());
    var spec = new ServiceLevelObjectiveSpec();
    spec.routerRef = new NamedReference("assistant");
    spec.targets = new SloTargets();
    spec.targets.availabilityPercent = 99.9;
    var fast = burnRateRule("fast-burn", "1h", "5m", 14.4);
    fast.actions = List.of(SloAction.ShiftTraffic, SloAction.Alert);
    var slow = burnRateRule("slow-burn", "6h", "30m", 6);
    slow.actions = List.of(SloAction.ScaleUp, SloAction.Alert);
    var ticket = burnRateRule("ticket", "24h", "2h", 3);
    ticket.actions = List.of(SloAction.Alert);
    var scaleOnly = burnRateRule("scale-only", "2h", "10m", 2);
    scaleOnly.actions = List.of(SloAction.ScaleUp);
    spec.burnRateRules = List.of(fast, slow, ticket, scaleOnly);
    slo.setSpec(spec);
    return slo;
  }
}
