package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
  static final Path EXAMPLE = Path.of("k8s", "examples", "local", "simulator-config.yaml");

  @Test
  void defaultsServeThreeEchoingModelsWithTheirLatencies() {
    var config = SimulatorConfig.defaults();

    assertThat(config.models())
        .extracting(SimulatedModel::name, SimulatedModel::latencyMs, SimulatedModel::answer)
        .containsExactly(
            tuple("gpt-4o", 40L, null),
            tuple("gpt-4o-mini", 15L, null),
            tuple("llama-3.1-8b", 5L, null));
    assertThat(config.outage()).isEqualTo(Outage.none);
  }

  @Test
  void missingFieldsTakeTheirDefaults() throws Exception {
    var config = SimulatorConfig.read("models: [{name: m}, {name: slow, latencyMs: 80}]");

    assertThat(config.outage()).isEqualTo(Outage.none);
    assertThat(config.model("m"))
        .hasValue(new SimulatedModel("m", null, 0, 0, 0, 0, 500, Outage.none));
    assertThat(config.model("slow").orElseThrow().latencyP99Ms()).isEqualTo(80);
  }

  @Test
  void theExampleParsesWithFourModelsOfDifferentLatencies() throws Exception {
    var config = SimulatorConfig.read(Files.readString(EXAMPLE));

    assertThat(config.models())
        .extracting(SimulatedModel::name)
        .containsExactly("gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b");
    assertThat(config.models()).extracting(SimulatedModel::latencyMs).doesNotHaveDuplicates();
    assertThat(config.model("gpt-4o-mini").orElseThrow().errorStatus()).isEqualTo(429);
  }

  @Test
  void refusesValuesThatCannotBeSimulated() {
    assertThatThrownBy(() -> SimulatorConfig.read("models: [{name: m, errorRate: 1.5}]"))
        .hasMessageContaining("errorRate");
    assertThatThrownBy(
            () -> SimulatorConfig.read("models: [{name: m, latencyMs: 50, latencyP99Ms: 20}]"))
        .hasMessageContaining("latencyP99Ms");
    assertThatThrownBy(() -> SimulatorConfig.read("models: [{name: m, errorStatus: 200}]"))
        .hasMessageContaining("errorStatus");
    assertThatThrownBy(() -> SimulatorConfig.read("models: [{name: m}, {name: m}]"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> SimulatorConfig.read("models: [{answer: hi}]"))
        .hasMessageContaining("name");
  }
}
