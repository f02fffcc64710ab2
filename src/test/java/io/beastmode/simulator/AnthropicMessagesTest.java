package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.json;
import static io.beastmode.simulator.SimulatorClient.namedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.SimulatorClient.SseEvent;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic's Messages API as the simulator serves it, over real HTTP. */
class AnthropicMessagesTest extends SimulatorHarness {
  static final String KEY = "sk-ant-simulated";
  static final String CONFIG =
      """
      models:
        - name: claude-fixed
          api: anthropic
          apiKey: sk-ant-simulated
          answer: The sky is blue.
        - name: claude-agent
          api: anthropic
          answer: It is sunny in Paris.
          toolCalls: 2
          parallelToolCalls: true
          thinking: The user wants the weather, so I call the tools.
          cacheReadShare: 0.5
          cacheWriteShare: 0.25
        - name: claude-stepwise
          api: anthropic
          answer: Let me look.
          toolCalls: 2
          toolCallText: before
        - name: claude-overloaded
          api: anthropic
          errorRate: 1
          errorStatus: 529
        - name: claude-breaking
          api: anthropic
          answer: one two three four five six
          failAfterEvents: 3
        - name: claude-strict
          api: anthropic
          anthropicBetas: [interleaved-thinking-2025-05-14, context-1m-2025-08-07]
        - name: gpt-4o
        - name: vllm-llama
          answer: Served both ways.
          alsoServes: [anthropic]
      """;
  static final String TOOLS =
      """
      [{"name": "get_weather", "description": "Weather in a city",
        "input_schema": {"type": "object", "required": ["city", "unit"],
          "properties": {"city": {"type": "string"},
                         "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                         "days": {"type": "integer", "minimum": 1}}}},
       {"name": "get_time",
        "input_schema": {"type": "object", "required": ["timezone"],
          "properties": {"timezone": {"type": "string"}, "dst": {"type": "boolean"}}}}]
      """;

  @Override
  String config() {
    return CONFIG;
  }

  HttpResponse<String> messages(String body) throws Exception {
    return client.post("/v1/messages", body, "anthropic-version", "2023-06-01", "x-api-key", KEY);
  }

  static String ask(String model, String text, String extra) {
    return """
        {"model": "%s", "max_tokens": 2000, %s
         "messages": [{"role": "user", "content": "%s"}]}
        """
        .formatted(model, extra.isEmpty() ? "" : extra + ",", text);
  }

  @Test
  void messageHasAnthropicsShapeAndUsage() throws Exception {
    var response =
        messages(ask("claude-fixed", "Why is the sky blue?", "\"system\": \"Be terse.\""));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("request-id"))
        .hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    JsonNode message = json(response);
    assertThat(message.get("id").asText()).startsWith("msg_");
    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.get("role").asText()).isEqualTo("assistant");
    assertThat(message.get("model").asText()).isEqualTo("claude-fixed");
    assertThat(message.get("content"))
        .isEqualTo(JSON.readTree("[{\"type\": \"text\", \"text\": \"The sky is blue.\"}]"));
    assertThat(message.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(message.get("stop_sequence").isNull()).isTrue();
    JsonNode usage = message.get("usage");
    // 9 + 20 characters of system and message are 8 input tokens; the answer is 4 words.
    assertThat(usage.get("input_tokens").asInt()).isEqualTo(8);
    assertThat(usage.get("output_tokens").asInt()).isEqualTo(4);
    assertThat(usage.get("cache_read_input_tokens").asInt()).isZero();
    assertThat(usage.get("cache_creation_input_tokens").asInt()).isZero();
  }

  @Test
  void maxTokensCutsTheAnswerWithStopReasonMaxTokens() throws Exception {
    JsonNode message = json(messages(ask("claude-fixed", "sky?", "").replace("2000", "2")));

    assertThat(message.get("content").get(0).get("text").asText()).isEqualTo("The sky");
    assertThat(message.get("stop_reason").asText()).isEqualTo("max_tokens");
  }

  @Test
  void stopSequencesEndTheAnswerWhereTheFirstOneOccurs() throws Exception {
    String request = ask("claude-fixed", "sky?", "\"stop_sequences\": [\"blue\", \"is\"]");

    JsonNode message = json(messages(request));
    ObjectNode streamed =
        AnthropicStream.assemble(
            namedEvents(messages(request.replaceFirst("\\{", "{\"stream\": true, ")).body()));

    assertThat(message.get("content").get(0).get("text").asText()).isEqualTo("The sky");
    assertThat(message.get("stop_reason").asText()).isEqualTo("stop_sequence");
    assertThat(message.get("stop_sequence").asText()).isEqualTo("is");
    assertThat(streamed.get("stop_reason").asText()).isEqualTo("stop_sequence");
    assertThat(streamed.get("stop_sequence").asText()).isEqualTo("is");
  }

  @Test
  void aThinkingBudgetMustBeAtLeast1024TokensAndBelowMaxTokens() throws Exception {
    var small =
        messages(
            ask(
                "claude-agent",
                "hi",
                "\"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 500}"));
    var above =
        messages(
            ask(
                "claude-agent",
                "hi",
                "\"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 2048}"));

    assertError(small, 400, "invalid_request_error");
    assertError(above, 400, "invalid_request_error");
    assertThat(json(above).get("error").get("message").asText()).contains("budget_tokens");
  }

  @Test
  void aModelThatListsItsBetaFlagsRefusesAnyOther() throws Exception {
    String request = ask("claude-strict", "hi", "");
    var known =
        client.post(
            "/v1/messages",
            request,
            "anthropic-version",
            "2023-06-01",
            "anthropic-beta",
            "interleaved-thinking-2025-05-14,context-1m-2025-08-07");
    var unknown =
        client.post(
            "/v1/messages",
            request,
            "anthropic-version",
            "2023-06-01",
            "anthropic-beta",
            "interleaved-thinking-2025-05-14, made-up-2099-01-01");

    assertThat(known.statusCode()).isEqualTo(200);
    assertError(unknown, 400, "invalid_request_error");
    assertThat(json(unknown).get("error").get("message").asText()).contains("made-up-2099-01-01");
  }

  @Test
  void refusalsHaveAnthropicsErrorShapeAndTypes() throws Exception {
    var noVersion = client.post("/v1/messages", ask("claude-fixed", "hi", ""), "x-api-key", KEY);
    var wrongKey =
        client.post(
            "/v1/messages",
            ask("claude-fixed", "hi", ""),
            "anthropic-version",
            "2023-06-01",
            "x-api-key",
            "sk-ant-wrong");
    var unknown = messages(ask("claude-9", "hi", ""));
    var openAiModel = messages(ask("gpt-4o", "hi", ""));
    var noMaxTokens =
        messages(
            "{\"model\": \"claude-fixed\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    var badRole = messages(ask("claude-fixed", "hi", "").replace("\"user\"", "\"developer\""));
    var malformed = messages("{\"model\": ");

    assertError(noVersion, 400, "invalid_request_error");
    assertThat(noVersion.headers().firstValue("request-id")).isPresent();
    assertThat(json(noVersion).get("error").get("message").asText()).contains("anthropic-version");
    assertError(wrongKey, 401, "authentication_error");
    assertError(unknown, 404, "not_found_error");
    assertError(openAiModel, 404, "not_found_error");
    assertError(noMaxTokens, 400, "invalid_request_error");
    assertThat(json(noMaxTokens).get("error").get("message").asText()).contains("max_tokens");
    assertError(badRole, 400, "invalid_request_error");
    assertError(malformed, 400, "invalid_request_error");
  }

  @Test
  void theKeyIsTakenAsABearerTokenTooAsTheAnthropicSdkSendsIt() throws Exception {
    var bearer =
        client.post(
            "/v1/messages",
            ask("claude-fixed", "hi", ""),
            "anthropic-version",
            "2023-06-01",
            "authorization",
            "Bearer " + KEY);
    var wrongBearer =
        client.post(
            "/v1/messages",
            ask("claude-fixed", "hi", ""),
            "anthropic-version",
            "2023-06-01",
            "authorization",
            "Bearer sk-ant-wrong");

    assertThat(bearer.statusCode()).isEqualTo(200);
    assertError(wrongBearer, 401, "authentication_error");
  }

  @Test
  void errorStatus529IsOverloadedError() throws Exception {
    var response = messages(ask("claude-overloaded", "hi", ""));

    assertError(response, 529, "overloaded_error");
    assertThat(json(response).get("error").get("message").asText()).isEqualTo("Overloaded");
  }

  @Test
  void streamFollowsTheGrammarAndAddsUpToTheMessage() throws Exception {
    JsonNode whole = json(messages(ask("claude-fixed", "sky?", "")));
    var response = messages(ask("claude-fixed", "sky?", "\"stream\": true"));

    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<SseEvent> events = namedEvents(response.body());
    assertThat(events).extracting(SseEvent::name).contains("ping");
    ObjectNode streamed = AnthropicStream.assemble(events);
    assertThat(streamed.get("content")).isEqualTo(whole.get("content"));
    assertThat(streamed.get("stop_reason")).isEqualTo(whole.get("stop_reason"));
    assertThat(streamed.get("usage")).isEqualTo(whole.get("usage"));
    assertThat(events.get(0).data().get("message").get("usage").get("input_tokens"))
        .isEqualTo(whole.get("usage").get("input_tokens"));
  }

  @Test
  void toolsAreCalledInParallelAfterThinkingThenTheAnswerFollowsTheResults() throws Exception {
    String thinking = "\"thinking\": {\"type\": \"enabled\", \"budget_tokens\": 1024}";
    String first =
        ask("claude-agent", "Weather and time in Paris?", thinking + ", \"tools\": " + TOOLS);

    JsonNode message = json(messages(first));

    assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
    JsonNode content = message.get("content");
    assertThat(content)
        .extracting(block -> block.get("type").asText())
        .containsExactly("thinking", "tool_use", "tool_use");
    assertThat(content.get(0).get("thinking").asText()).startsWith("The user wants");
    assertThat(content.get(0).get("signature").asText()).isNotEmpty();
    JsonNode weather = content.get(1);
    assertThat(weather.get("id").asText()).startsWith("toolu_");
    assertThat(weather.get("name").asText()).isEqualTo("get_weather");
    assertThat(weather.get("input").get("city").isTextual()).isTrue();
    assertThat(weather.get("input").get("unit").asText()).isEqualTo("celsius");
    assertThat(weather.get("input").get("days").asInt()).isEqualTo(1);
    assertThat(content.get(2).get("name").asText()).isEqualTo("get_time");
    assertThat(content.get(2).get("input").get("timezone").isTextual()).isTrue();

    ObjectNode next = (ObjectNode) JSON.readTree(first);
    ArrayNode history = (ArrayNode) next.get("messages");
    history.addObject().put("role", "assistant").set("content", content);
    ArrayNode results = history.addObject().put("role", "user").putArray("content");
    for (JsonNode use : List.of(content.get(1), content.get(2))) {
      results
          .addObject()
          .put("type", "tool_result")
          .put("tool_use_id", use.get("id").asText())
          .put("content", "22 degrees");
    }
    JsonNode answer = json(messages(next.toString()));

    assertThat(answer.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(answer.get("content"))
        .extracting(block -> block.get("type").asText())
        .containsExactly("thinking", "text");
    assertThat(answer.get("content").get(1).get("text").asText())
        .isEqualTo("It is sunny in Paris.");
  }

  @Test
  void streamedToolInputArrivesInPiecesThatParseToTheInput() throws Exception {
    String request = ask("claude-agent", "Weather?", "\"stream\": true, \"tools\": " + TOOLS);

    List<SseEvent> events = namedEvents(messages(request).body());

    ObjectNode message = AnthropicStream.assemble(events);
    assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(message.get("content")).hasSize(2);
    assertThat(message.get("content").get(0).get("input").get("unit").asText())
        .isEqualTo("celsius");
    long pieces =
        events.stream()
            .filter(e -> e.data().path("delta").path("type").asText().equals("input_json_delta"))
            .filter(e -> e.data().get("index").asInt() == 0)
            .filter(e -> !e.data().get("delta").get("partial_json").asText().isEmpty())
            .count();
    assertThat(pieces).isGreaterThan(2);
  }

  @Test
  void oneToolATurnWithTextBeforeItUntilTheConfiguredCallsAreMade() throws Exception {
    ObjectNode request =
        (ObjectNode) JSON.readTree(ask("claude-stepwise", "Plan my day", "\"tools\": " + TOOLS));
    ArrayNode history = (ArrayNode) request.get("messages");
    var names = new java.util.ArrayList<String>();
    for (int turn = 0; turn < 2; turn++) {
      JsonNode message = json(messages(request.toString()));
      assertThat(message.get("stop_reason").asText()).isEqualTo("tool_use");
      JsonNode content = message.get("content");
      assertThat(content)
          .extracting(block -> block.get("type").asText())
          .containsExactly("text", "tool_use");
      names.add(content.get(1).get("name").asText());
      history.addObject().put("role", "assistant").set("content", content);
      history
          .addObject()
          .put("role", "user")
          .putArray("content")
          .addObject()
          .put("type", "tool_result")
          .put("tool_use_id", content.get(1).get("id").asText())
          .put("content", "done");
    }
    JsonNode last = json(messages(request.toString()));

    assertThat(names).containsExactly("get_weather", "get_time");
    assertThat(last.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(last.get("content").get(0).get("text").asText()).isEqualTo("Let me look.");
  }

  @Test
  void toolResultsMustAnswerTheToolUsesOfThePreviousMessage() throws Exception {
    var response =
        messages(
            """
            {"model": "claude-agent", "max_tokens": 100, "messages": [
              {"role": "user", "content": "hi"},
              {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_unknown", "content": "x"}]}]}
            """);

    assertError(response, 400, "invalid_request_error");
  }

  @Test
  void aThinkingBlockSentBackMustKeepItsSignature() throws Exception {
    String thinking = "\"thinking\": {\"type\": \"adaptive\"}";
    JsonNode first = json(messages(ask("claude-agent", "Think.", thinking)));
    JsonNode block = first.get("content").get(0);
    assertThat(block.get("type").asText()).isEqualTo("thinking");
    String replay =
        """
        {"model": "claude-agent", "max_tokens": 100, "messages": [
          {"role": "user", "content": "Think."},
          {"role": "assistant", "content": [%s, {"type": "text", "text": "ok"}]},
          {"role": "user", "content": "again"}]}
        """;

    var kept = messages(replay.formatted(block));
    ObjectNode altered = ((ObjectNode) block.deepCopy()).put("signature", "forged");
    var forged = messages(replay.formatted(altered));

    assertThat(kept.statusCode()).isEqualTo(200);
    assertError(forged, 400, "invalid_request_error");
    assertThat(json(forged).get("error").get("message").asText()).contains("signature");
  }

  @Test
  void cacheSharesSplitTheInputAndCountTokensCountsItAll() throws Exception {
    String request = ask("claude-agent", "A long question about the weather in Paris and Rome", "");
    JsonNode usage = json(messages(request)).get("usage");
    var counted =
        client.post(
            "/v1/messages/count_tokens",
            request.replace("\"max_tokens\": 2000,", ""),
            "anthropic-version",
            "2023-06-01");

    assertThat(counted.statusCode()).isEqualTo(200);
    int total = json(counted).get("input_tokens").asInt();
    assertThat(total).isEqualTo(13);
    assertThat(usage.get("cache_read_input_tokens").asInt()).isEqualTo(7);
    assertThat(usage.get("cache_creation_input_tokens").asInt()).isEqualTo(3);
    assertThat(usage.get("input_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void aStreamBrokenOnPurposeEndsWithAnOverloadedErrorEvent() throws Exception {
    var response = messages(ask("claude-breaking", "count", "\"stream\": true"));

    assertThat(response.statusCode()).isEqualTo(200);
    List<SseEvent> events = namedEvents(response.body());
    SseEvent last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("error");
    assertThat(last.data().get("error").get("type").asText()).isEqualTo("overloaded_error");
    assertThat(events).extracting(SseEvent::name).doesNotContain("message_stop", "message_delta");
    assertThat(events.stream().filter(e -> e.name().equals("content_block_delta"))).hasSize(3);
  }

  @Test
  void modelsAreListedInAnthropicsShapeWhenTheRequestHasAnAnthropicVersion() throws Exception {
    JsonNode anthropic = json(client.get("/v1/models", "anthropic-version", "2023-06-01"));
    JsonNode openAi = json(client.get("/v1/models"));

    assertThat(anthropic.get("data").findValuesAsText("id"))
        .containsExactly(
            "claude-fixed",
            "claude-agent",
            "claude-stepwise",
            "claude-overloaded",
            "claude-breaking",
            "claude-strict",
            "vllm-llama");
    JsonNode first = anthropic.get("data").get(0);
    assertThat(first.get("type").asText()).isEqualTo("model");
    assertThat(first.get("display_name").asText()).isEqualTo("claude-fixed");
    assertThat(first.get("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(anthropic.get("has_more").asBoolean()).isFalse();
    assertThat(anthropic.get("first_id").asText()).isEqualTo("claude-fixed");
    assertThat(anthropic.get("last_id").asText()).isEqualTo("vllm-llama");
    assertThat(openAi.get("data").findValuesAsText("id")).containsExactly("gpt-4o", "vllm-llama");
  }

  @Test
  void aModelThatAlsoServesMessagesAnswersOnBothApis() throws Exception {
    JsonNode message = json(messages(ask("vllm-llama", "hi", "")));
    var chat = client.chat("vllm-llama", "hi");

    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.get("content").get(0).get("text").asText()).isEqualTo("Served both ways.");
    assertThat(CompletionsTest.content(json(chat))).isEqualTo("Served both ways.");
  }

  @Test
  void theLastRequestsAreRecordedWithHeadersAndRawBody() throws Exception {
    String body =
        "{\"model\":\"claude-fixed\",  \"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}";
    client.post(
        "/v1/messages?beta=true",
        body,
        "anthropic-version",
        "2023-06-01",
        "x-api-key",
        KEY,
        "anthropic-beta",
        "context-management-2025-06-27,interleaved-thinking-2025-05-14");
    client.chat("gpt-4o", "second");

    JsonNode recorded = json(client.get("/sim/requests?last=2")).get("requests");

    assertThat(recorded).hasSize(2);
    JsonNode first = recorded.get(0);
    assertThat(first.get("method").asText()).isEqualTo("POST");
    assertThat(first.get("path").asText()).isEqualTo("/v1/messages?beta=true");
    assertThat(first.get("headers").get("anthropic-beta").get(0).asText())
        .isEqualTo("context-management-2025-06-27,interleaved-thinking-2025-05-14");
    assertThat(first.get("body").asText()).isEqualTo(body);
    assertThat(first.get("bodyBytes").asInt()).isEqualTo(body.length());
    assertThat(recorded.get(1).get("path").asText()).isEqualTo("/v1/chat/completions");
    assertThat(client.delete("/sim/requests").statusCode()).isEqualTo(204);
    assertThat(json(client.get("/sim/requests")).get("requests").isEmpty()).isTrue();
  }

  static void assertError(HttpResponse<String> response, int status, String type) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = json(response);
    assertThat(body.get("type").asText()).isEqualTo("error");
    assertThat(body.get("error").get("type").asText()).isEqualTo(type);
    assertThat(body.get("error").get("message").asText()).isNotBlank();
  }
}
