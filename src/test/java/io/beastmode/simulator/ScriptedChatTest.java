package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.events;
import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scripted behaviours on the OpenAI-compatible chat API: tools, reasoning, cache, broken streams.
 */
class ScriptedChatTest extends SimulatorHarness {
  static final String CONFIG =
      """
      models:
        - name: agent
          answer: It is sunny in Paris.
          toolCalls: 2
          parallelToolCalls: true
          thinking: I should call the tools.
          cacheReadShare: 0.5
          cacheWriteShare: 0.25
        - name: stepwise
          answer: Done.
          toolCalls: 2
        - name: breaking
          answer: one two three four five six
          failAfterEvents: 2
        - name: keyed
          apiKey: sk-simulated
      """;
  static final String TOOLS =
      """
      [{"type": "function", "function": {"name": "get_weather",
         "parameters": {"type": "object", "required": ["city"],
           "properties": {"city": {"type": "string"},
                          "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}}}},
       {"type": "function", "function": {"name": "get_time",
         "parameters": {"type": "object", "required": ["timezone"],
           "properties": {"timezone": {"type": "string"}}}}}]
      """;

  @Override
  String config() {
    return CONFIG;
  }

  static String ask(String model, String extra) {
    return """
        {"model": "%s", %s "messages": [{"role": "user", "content": "Weather and time in Paris?"}]}
        """
        .formatted(model, extra.isEmpty() ? "" : extra + ",");
  }

  @Test
  void parallelToolCallsThenTheAnswerOnceTheResultsArrive() throws Exception {
    String first = ask("agent", "\"tools\": " + TOOLS);

    JsonNode completion = json(client.post("/v1/chat/completions", first));

    JsonNode choice = completion.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode message = choice.get("message");
    assertThat(message.get("content").isNull()).isTrue();
    JsonNode calls = message.get("tool_calls");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(0).get("id").asText()).startsWith("call_");
    assertThat(calls.get(0).get("type").asText()).isEqualTo("function");
    assertThat(calls.get(0).get("function").get("name").asText()).isEqualTo("get_weather");
    JsonNode arguments = JSON.readTree(calls.get(0).get("function").get("arguments").asText());
    assertThat(arguments.get("city").isTextual()).isTrue();
    assertThat(arguments.get("unit").asText()).isEqualTo("celsius");
    assertThat(calls.get(1).get("function").get("name").asText()).isEqualTo("get_time");

    ObjectNode next = (ObjectNode) JSON.readTree(first);
    ArrayNode history = (ArrayNode) next.get("messages");
    history.add(message);
    for (JsonNode call : calls) {
      history
          .addObject()
          .put("role", "tool")
          .put("tool_call_id", call.get("id").asText())
          .put("content", "22 degrees");
    }
    JsonNode answer = json(client.post("/v1/chat/completions", next.toString()));

    assertThat(answer.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
    assertThat(CompletionsTest.content(answer)).isEqualTo("It is sunny in Paris.");
  }

  @Test
  void streamedParallelCallsInterleaveTheirIndicesAndArgumentsComeInPieces() throws Exception {
    JsonNode whole = json(client.post("/v1/chat/completions", ask("agent", "\"tools\": " + TOOLS)));
    var response =
        client.post("/v1/chat/completions", ask("agent", "\"stream\": true, \"tools\": " + TOOLS));

    List<String> data = events(response.body());
    assertThat(data).last().isEqualTo("[DONE]");
    Map<Integer, StringBuilder> arguments = new LinkedHashMap<>();
    Map<Integer, String> names = new LinkedHashMap<>();
    List<Integer> order = new ArrayList<>();
    String finish = null;
    for (String event : data.subList(0, data.size() - 1)) {
      JsonNode choice = JSON.readTree(event).get("choices").get(0);
      if (!choice.get("finish_reason").isNull()) {
        finish = choice.get("finish_reason").asText();
      }
      for (JsonNode call : choice.get("delta").path("tool_calls")) {
        int index = call.get("index").asInt();
        order.add(index);
        if (call.has("id")) {
          names.put(index, call.get("function").get("name").asText());
        }
        arguments
            .computeIfAbsent(index, i -> new StringBuilder())
            .append(call.get("function").get("arguments").asText());
      }
    }
    JsonNode calls = whole.get("choices").get(0).get("message").get("tool_calls");

    assertThat(finish).isEqualTo("tool_calls");
    assertThat(names).containsExactly(Map.entry(0, "get_weather"), Map.entry(1, "get_time"));
    for (int i = 0; i < 2; i++) {
      assertThat(JSON.readTree(arguments.get(i).toString()))
          .isEqualTo(JSON.readTree(calls.get(i).get("function").get("arguments").asText()));
    }
    // Announced in order, then their arguments take turns: 0, 1, 0, 1, ...
    assertThat(order.subList(0, 4)).containsExactly(0, 1, 0, 1);
    assertThat(order.stream().filter(i -> i == 0).count()).isGreaterThan(2);
  }

  @Test
  void oneCallATurnWhenNotParallelOrWhenTheClientSaysSo() throws Exception {
    JsonNode stepwise =
        json(client.post("/v1/chat/completions", ask("stepwise", "\"tools\": " + TOOLS)));
    JsonNode refused =
        json(
            client.post(
                "/v1/chat/completions",
                ask("agent", "\"parallel_tool_calls\": false, \"tools\": " + TOOLS)));
    JsonNode none =
        json(
            client.post(
                "/v1/chat/completions",
                ask("agent", "\"tool_choice\": \"none\", \"tools\": " + TOOLS)));

    assertThat(stepwise.get("choices").get(0).get("message").get("tool_calls")).hasSize(1);
    assertThat(refused.get("choices").get(0).get("message").get("tool_calls")).hasSize(1);
    assertThat(none.get("choices").get(0).get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void aToolMessageMustAnswerACallOfThePreviousAssistantMessage() throws Exception {
    var response =
        client.post(
            "/v1/chat/completions",
            """
            {"model": "agent", "messages": [{"role": "user", "content": "hi"},
              {"role": "tool", "tool_call_id": "call_unknown", "content": "x"}]}
            """);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void reasoningComesAsReasoningContentWhenTheRequestAsksForIt() throws Exception {
    JsonNode plain = json(client.post("/v1/chat/completions", ask("agent", "")));
    JsonNode reasoning =
        json(client.post("/v1/chat/completions", ask("agent", "\"reasoning_effort\": \"low\"")));
    var streamed =
        client.post(
            "/v1/chat/completions",
            ask(
                "agent",
                "\"stream\": true, \"chat_template_kwargs\": {\"enable_thinking\": true}"));

    assertThat(plain.get("choices").get(0).get("message").has("reasoning_content")).isFalse();
    JsonNode message = reasoning.get("choices").get(0).get("message");
    assertThat(message.get("reasoning_content").asText()).isEqualTo("I should call the tools.");
    assertThat(message.get("content").asText()).isEqualTo("It is sunny in Paris.");
    assertThat(
            reasoning.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt())
        .isEqualTo(5);
    var thought = new StringBuilder();
    var said = new StringBuilder();
    for (String event : events(streamed.body())) {
      if (!event.equals("[DONE]")) {
        JsonNode delta = JSON.readTree(event).get("choices").get(0).get("delta");
        thought.append(delta.path("reasoning_content").asText(""));
        assertThat(said.isEmpty() || !delta.has("reasoning_content")).isTrue();
        said.append(delta.path("content").asText(""));
      }
    }
    assertThat(thought).hasToString("I should call the tools.");
    assertThat(said).hasToString("It is sunny in Paris.");
  }

  @Test
  void cachedTokensAreIncludedInPromptTokens() throws Exception {
    JsonNode usage = json(client.post("/v1/chat/completions", ask("agent", ""))).get("usage");

    // "Weather and time in Paris?" is 26 characters, 7 tokens; half of them, rounded, were cached.
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(7);
    assertThat(usage.get("prompt_tokens_details").get("cached_tokens").asInt()).isEqualTo(4);
    assertThat(usage.get("total_tokens").asInt())
        .isEqualTo(7 + usage.get("completion_tokens").asInt());
  }

  @Test
  void aStreamBrokenOnPurposeStopsWithoutFinishOrDone() {
    assertThatThrownBy(
            () -> client.post("/v1/chat/completions", ask("breaking", "\"stream\": true")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aModelWithAKeyTakesItAsABearerToken() throws Exception {
    String request = ask("keyed", "");
    var without = client.post("/v1/chat/completions", request);
    var with = client.post("/v1/chat/completions", request, "authorization", "Bearer sk-simulated");

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(json(without).get("error").get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(with.statusCode()).isEqualTo(200);
  }
}
