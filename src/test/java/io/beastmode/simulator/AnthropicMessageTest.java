package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.namedEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.CompletionRequest.InvalidRequest;
import io.beastmode.simulator.SimulatorClient.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Anthropic mode's reading of requests and shaping of answers, without a server. */
class AnthropicMessageTest {
  static final String REQUEST =
      """
      {"model": "claude", "max_tokens": 4000, "stream": true,
       "thinking": {"type": "enabled", "budget_tokens": 2000},
       "tools": [{"name": "search", "input_schema": {"type": "object",
         "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}}}}],
       "messages": [{"role": "user", "content": "Find the answer."}]}
      """;

  static SimulatedModel agent(ToolCallText text) throws Exception {
    return SimulatorConfigTest.model(
        "answer: Here it is., api: anthropic, toolCalls: 2, parallelToolCalls: true,"
            + " toolCallText: %s, thinking: I search twice., cacheReadShare: 0.5".formatted(text));
  }

  static AnthropicMessage answer(String request, SimulatedModel model) throws Exception {
    return AnthropicMessage.answer(
        CompletionRequest.parse(Endpoint.MESSAGES, JSON.readTree(request)), model);
  }

  static List<SseEvent> stream(AnthropicMessage message) {
    Buffer all = Buffer.buffer();
    message.contentEvents().forEach(all::appendBuffer);
    return namedEvents(all.appendBuffer(message.closingEvents()).toString());
  }

  @Test
  void theStreamAddsUpToTheBodyForEveryPlacementOfText() throws Exception {
    for (ToolCallText text : ToolCallText.values()) {
      AnthropicMessage message = answer(REQUEST, agent(text));

      var streamed = AnthropicStream.assemble(stream(message));
      var body = message.body();

      assertThat(streamed.get("content")).as(text.name()).isEqualTo(body.get("content"));
      assertThat(streamed.get("usage")).isEqualTo(body.get("usage"));
      assertThat(body.get("stop_reason").asText()).isEqualTo("tool_use");
    }
  }

  @Test
  void blocksComeThinkingFirstThenTextAndToolsInTheConfiguredOrder() throws Exception {
    assertThat(types(answer(REQUEST, agent(ToolCallText.before))))
        .containsExactly("thinking", "text", "tool_use", "tool_use");
    assertThat(types(answer(REQUEST, agent(ToolCallText.after))))
        .containsExactly("thinking", "tool_use", "tool_use", "text");
    assertThat(types(answer(REQUEST, agent(ToolCallText.none))))
        .containsExactly("thinking", "tool_use", "tool_use");
  }

  @Test
  void aBrokenStreamEndsWithAnErrorEventInsteadOfTheClosing() throws Exception {
    AnthropicMessage message = answer(REQUEST, agent(ToolCallText.none));

    var error = namedEvents(message.breakingEvent().toString());

    assertThat(error).extracting(SseEvent::name).containsExactly("error");
    assertThat(error.get(0).data().get("error").get("type").asText()).isEqualTo("overloaded_error");
  }

  @Test
  void theUsageSplitsInputIntoUncachedAndCachedAndCountsEveryOutputToken() throws Exception {
    var usage = answer(REQUEST, agent(ToolCallText.none)).body().get("usage");

    // "Find the answer." is 16 characters, 4 tokens; half are read from the cache.
    assertThat(usage.get("input_tokens").asInt()).isEqualTo(2);
    assertThat(usage.get("cache_read_input_tokens").asInt()).isEqualTo(2);
    assertThat(usage.get("cache_creation_input_tokens").asInt()).isZero();
    assertThat(usage.get("output_tokens").asInt()).isGreaterThan(3);
  }

  @Test
  void requestsAnthropicWouldRefuseAreRefused() {
    for (String body :
        List.of(
            "{\"model\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            "{\"model\": \"c\", \"max_tokens\": 5, \"messages\": []}",
            "{\"model\": \"c\", \"max_tokens\": 5, \"messages\": [{\"role\": \"tool\", \"content\": \"hi\"}]}",
            "{\"model\": \"c\", \"max_tokens\": 5, \"stop_sequences\": [\" \"], \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
            "{\"max_tokens\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")) {
      assertThatThrownBy(() -> CompletionRequest.parse(Endpoint.MESSAGES, JSON.readTree(body)))
          .as(body)
          .isInstanceOf(InvalidRequest.class);
    }
  }

  private static List<String> types(AnthropicMessage message) {
    return message.body().get("content").findValuesAsText("type");
  }
}
