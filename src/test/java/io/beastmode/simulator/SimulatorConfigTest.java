package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
  static final Path EXAMPLE = Path.of("k8s", "examples", "local", "simulator-config.yaml");

  /** A model named m with these fields, given as YAML flow mapping entries. */
  static SimulatedModel model(String fields) throws Exception {
    return SimulatorConfig.read("models: [{name: m, " + fields + "}]").model("m").orElseThrow();
  }

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
  void theExampleServesFourOpenAiModelsOfDifferentLatenciesAndOneModelOfEachOtherKind()
      throws Exception {
    var config = SimulatorConfig.read(Files.readString(EXAMPLE));

    assertThat(config.models())
        .extracting(SimulatedModel::name, SimulatedModel::api, SimulatedModel::embeddingDimensions)
        .containsExactly(
            tuple("gpt-4o", ModelApi.openai, 0),
            tuple("gpt-4o-mini", ModelApi.openai, 0),
            tuple("llama-3.1-70b", ModelApi.openai, 0),
            tuple("llama-3.1-8b", ModelApi.openai, 0),
            tuple("claude-sonnet-4-5", ModelApi.anthropic, 0),
            tuple("gpt-4o-eu", ModelApi.azure, 0),
            tuple("text-embedding-3-small", ModelApi.openai, 1536));
    assertThat(config.models().subList(0, 4))
        .extracting(SimulatedModel::latencyMs)
        .doesNotHaveDuplicates();
    assertThat(config.model("gpt-4o-mini").orElseThrow().errorStatus()).isEqualTo(429);
    var claude = config.model("claude-sonnet-4-5").orElseThrow();
    assertThat(claude.errorStatus()).isEqualTo(529);
    assertThat(claude.toolCallText()).isEqualTo(ToolCallText.before);
    assertThat(claude.cacheReadShare()).isEqualTo(0.6);
  }

  @Test
  void theScriptedBehavioursAreOffUnlessAsked() throws Exception {
    var model = SimulatorConfig.read("models: [{name: m}]").model("m").orElseThrow();

    assertThat(model.api()).isEqualTo(ModelApi.openai);
    assertThat(model.apiKey()).isNull();
    assertThat(model.embeddingDimensions()).isZero();
    assertThat(model.toolCalls()).isZero();
    assertThat(model.parallelToolCalls()).isFalse();
    assertThat(model.toolCallText()).isEqualTo(ToolCallText.none);
    assertThat(model.thinking()).isNull();
    assertThat(model.cacheReadShare()).isZero();
    assertThat(model.cacheWriteShare()).isZero();
    assertThat(model.failAfterEvents()).isZero();
    assertThat(model.anthropicBetas()).isNull();
    assertThat(model.alsoServes()).isEmpty();
  }

  @Test
  void everyFieldSurvivesTheJsonOfGetAndPutSimConfig() throws Exception {
    var config =
        SimulatorConfig.read(
            """
            models:
              - name: claude
                api: anthropic
                apiKey: k
                toolCalls: 2
                parallelToolCalls: true
                toolCallText: after
                thinking: Hmm.
                cacheReadShare: 0.25
                cacheWriteShare: 0.5
                failAfterEvents: 4
                anthropicBetas: [a-1]
                alsoServes: [openai]
              - name: vectors
                api: azure
                embeddingDimensions: 12
            """);

    String json = new ObjectMapper().writeValueAsString(config);

    assertThat(SimulatorConfig.read(json)).isEqualTo(config);
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
    assertThatThrownBy(
            () ->
                SimulatorConfig.read(
                    "models: [{name: m, cacheReadShare: 0.7, cacheWriteShare: 0.5}]"))
        .hasMessageContaining("cacheReadShare");
    assertThatThrownBy(
            () ->
                SimulatorConfig.read("models: [{name: m, api: anthropic, embeddingDimensions: 8}]"))
        .hasMessageContaining("embeddings");
    assertThatThrownBy(() -> SimulatorConfig.read("models: [{name: m, api: bedrock}]"))
        .hasMessageContaining("bedrock");
  }
}
