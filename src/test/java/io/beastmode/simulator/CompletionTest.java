package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible and Azure modes' shaping of answers, without a server. */
class CompletionTest {
  static final String REQUEST =
      """
      {"model": "m", "stream": true, "stream_options": {"include_usage": true},
       "tools": [{"type": "function", "function": {"name": "a", "parameters": {"type": "object",
         "properties": {"x": {"type": "string"}}}}},
                 {"type": "function", "function": {"name": "b", "parameters": {"type": "object",
         "properties": {"y": {"type": "number"}}}}}],
       "messages": [{"role": "user", "content": "Call both tools please."}]}
      """;

  static SimulatedModel model(ModelApi api, int toolCalls) throws Exception {
    return SimulatorConfigTest.model(
        "answer: ok, api: %s, toolCalls: %d, parallelToolCalls: true, cacheReadShare: 0.5"
            .formatted(api, toolCalls));
  }

  static Completion answer(SimulatedModel model) throws Exception {
    return Completion.answer(
        CompletionRequest.parse(Endpoint.CHAT_COMPLETIONS, JSON.readTree(REQUEST)),
        model,
        model.api() == ModelApi.azure);
  }

  static List<JsonNode> chunks(Completion completion) throws Exception {
    Buffer all = Buffer.buffer();
    completion.contentEvents().forEach(all::appendBuffer);
    var chunks = new ArrayList<JsonNode>();
    for (String data :
        SimulatorClient.events(all.appendBuffer(completion.closingEvents()).toString())) {
      if (!data.equals("[DONE]")) {
        chunks.add(JSON.readTree(data));
      }
    }
    return chunks;
  }

  @Test
  void parallelCallsAreAnnouncedInOrderThenTheirArgumentsTakeTurns() throws Exception {
    var indices = new ArrayList<Integer>();
    for (JsonNode chunk : chunks(answer(model(ModelApi.openai, 2)))) {
      for (JsonNode call : chunk.path("choices").path(0).path("delta").path("tool_calls")) {
        indices.add(call.get("index").asInt());
      }
    }

    assertThat(indices.subList(0, 4)).containsExactly(0, 1, 0, 1);
    assertThat(indices).contains(0, 1);
  }

  @Test
  void azureOpensTheStreamWithItsPromptFilterChunkAndOpenAiDoesNot() throws Exception {
    var azure = chunks(answer(model(ModelApi.azure, 0)));
    var openAi = chunks(answer(model(ModelApi.openai, 0)));

    assertThat(azure.get(0).get("choices").isEmpty()).isTrue();
    assertThat(azure.get(0).has("prompt_filter_results")).isTrue();
    assertThat(azure.get(1).get("choices").get(0).get("delta").get("role").asText())
        .isEqualTo("assistant");
    assertThat(openAi.get(0).has("prompt_filter_results")).isFalse();
    assertThat(answer(model(ModelApi.azure, 0)).body().has("prompt_filter_results")).isTrue();
    // The filter chunk travels with the first word: pacing counts content only.
    assertThat(answer(model(ModelApi.azure, 0)).contentEvents())
        .hasSameSizeAs(answer(model(ModelApi.openai, 0)).contentEvents());
  }

  @Test
  void cachedTokensArePartOfPromptTokensInTheUsageChunk() throws Exception {
    List<JsonNode> chunks = chunks(answer(model(ModelApi.openai, 0)));
    JsonNode usage = chunks.get(chunks.size() - 1).get("usage");

    // 23 characters: 6 prompt tokens, half of them cached.
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(6);
    assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aBrokenOpenAiStreamHasNoErrorEventToSend() throws Exception {
    assertThat(answer(model(ModelApi.openai, 0)).breakingEvent()).isNull();
  }
}
