package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.testing.PythonClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Python SDK (the version .ci/provision-tools.sh pins) pointed straight at the
 * simulator: its AzureOpenAI client on the Azure mode (chat, stream, embeddings with an
 * api_version) and its OpenAI client on embeddings, scripted tool calls and reasoning, and the
 * Responses API.
 */
class OpenAiSdkIT extends SimulatorHarness {
  static final String AZURE_KEY = "azure-simulated-key";

  @Override
  String config() {
    return """
        models:
          - name: chat-deployment
            api: azure
            apiKey: azure-simulated-key
            answer: Sunny in Paris.
          - name: embedding-deployment
            api: azure
            apiKey: azure-simulated-key
            embeddingDimensions: 32
          - name: text-embedding-3-small
            embeddingDimensions: 64
          - name: agent
            answer: It is sunny.
            toolCalls: 2
            parallelToolCalls: true
            thinking: I look it up.
            alsoServes: [responses]
          - name: breaking
            answer: one two three four five six
            failAfterEvents: 2
        """;
  }

  @Test
  void theOpenAiSdkParsesTheAzureModeEmbeddingsAndScriptedToolCalls() throws Exception {
    Map<String, JsonNode> cases =
        PythonClient.run(
            "openai-python",
            "src/test/resources/openai/sdk_against_simulator.py",
            server.origin(),
            AZURE_KEY);

    JsonNode chat = ok(cases, "azure chat");
    assertThat(chat.get("content").asText()).isEqualTo("Sunny in Paris.");
    assertThat(chat.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(chat.get("prompt_tokens").asInt()).isPositive();

    JsonNode stream = ok(cases, "azure stream");
    assertThat(stream.get("text").asText()).isEqualTo("Sunny in Paris.");
    // Azure's prompt filter chunk and the usage chunk.
    assertThat(stream.get("chunks_without_choices").asInt()).isEqualTo(2);
    assertThat(stream.get("total_tokens").asInt()).isPositive();

    JsonNode azure = ok(cases, "azure embeddings");
    assertThat(azure.get("count").asInt()).isEqualTo(3);
    assertThat(azure.get("dimensions").asInt()).isEqualTo(32);
    assertThat(azure.get("norm").asDouble()).isCloseTo(1.0, within(1e-5));
    assertThat(azure.get("same_text_same_vector").asBoolean()).isTrue();
    assertThat(azure.get("other_text_other_vector").asBoolean()).isTrue();

    JsonNode plain = ok(cases, "openai embeddings");
    assertThat(plain.get("dimensions").asInt()).isEqualTo(64);
    assertThat(plain.get("prompt_tokens").asInt()).isEqualTo(6);
    JsonNode shortened = ok(cases, "openai embeddings shortened");
    assertThat(shortened.get("dimensions").asInt()).isEqualTo(16);
    assertThat(shortened.get("norm").asDouble()).isCloseTo(1.0, within(1e-5));
    assertThat(ok(cases, "base64 differs from floats by").asDouble()).isLessThan(1e-6);

    JsonNode tools = ok(cases, "tool stream");
    assertThat(tools.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(tools.get("equal").asBoolean()).as(tools.toString()).isTrue();
    assertThat(tools.get("calls").get(0).get(0).asText()).isEqualTo("get_weather");
    assertThat(tools.get("calls").get(0).get(1).get("city").isTextual()).isTrue();
    assertThat(tools.get("calls").get(1).get(0).asText()).isEqualTo("get_time");

    JsonNode reasoning = ok(cases, "reasoning");
    assertThat(reasoning.get("content").asText()).isEqualTo("It is sunny.");
    assertThat(reasoning.get("reasoning").asText()).isEqualTo("I look it up.");
    assertThat(reasoning.get("reasoning_tokens").asInt()).isEqualTo(4);

    JsonNode broken = ok(cases, "broken stream");
    assertThat(broken.get("raised").isNull()).as(broken.toString()).isFalse();
    assertThat(broken.get("text").asText()).isEqualTo("one two");

    JsonNode responses = ok(cases, "responses text");
    assertThat(responses.get("text").asText()).isEqualTo("It is sunny.");
    assertThat(responses.get("streamed").asText()).isEqualTo("It is sunny.");
    assertThat(responses.get("final").asText()).isEqualTo("It is sunny.");
    assertThat(responses.get("types").toString()).isEqualTo("[\"reasoning\",\"message\"]");
    assertThat(responses.get("usage_equal").asBoolean()).isTrue();
    JsonNode roundTrip = ok(cases, "responses tool round trip");
    assertThat(roundTrip.get("calls").get(0).get(0).asText()).isEqualTo("get_weather");
    assertThat(roundTrip.get("calls").get(0).get(1).get("city").isTextual()).isTrue();
    assertThat(roundTrip.get("calls").get(1).get(0).asText()).isEqualTo("get_time");
    assertThat(roundTrip.get("answer").asText()).isEqualTo("It is sunny.");

    JsonNode unknown = cases.get("unknown deployment");
    assertThat(unknown.get("outcome").asText()).as(unknown.toString()).isEqualTo("NotFoundError");
    assertThat(unknown.get("code").asText()).isEqualTo("DeploymentNotFound");
  }

  private static JsonNode ok(Map<String, JsonNode> cases, String name) {
    JsonNode seen = cases.get(name);
    assertThat(seen).as(name).isNotNull();
    assertThat(seen.get("outcome").asText()).as(seen.toString()).isEqualTo("ok");
    return seen.get("result");
  }
}
