package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.events;
import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenAI API as the simulator serves it, over real HTTP. */
class CompletionsTest extends SimulatorHarness {
  static final String CONFIG =
      """
      models:
        - name: fixed
          answer: The sky is blue.
        - name: echo
        - name: slow
          latencyMs: 150
        - name: paced
          answer: one two three four five
          tokensPerSecond: 20
      """;

  @Override
  String config() {
    return CONFIG;
  }

  @Test
  void chatCompletionHasTheOpenAiShapeAndUsage() throws Exception {
    var body =
        """
        {"model": "fixed", "messages": [
          {"role": "system", "content": "You are terse."},
          {"role": "user", "content": "Why is the sky blue?"}]}
        """;
    var response = client.post("/v1/chat/completions", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode completion = json(response);
    assertThat(completion.get("id").asText()).startsWith("chatcmpl-");
    assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.get("created").asLong()).isPositive();
    assertThat(completion.get("model").asText()).isEqualTo("fixed");
    JsonNode choice = completion.get("choices").get(0);
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("message").get("content").asText()).isEqualTo("The sky is blue.");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    // 14 + 20 characters of content are 9 prompt tokens; the answer is 4 words.
    assertThat(completion.get("usage")).isEqualTo(usage(9, 4));
  }

  @Test
  void textCompletionEchoesThePrompt() throws Exception {
    var response =
        client.post("/v1/completions", "{\"model\": \"echo\", \"prompt\": \"Once upon a  time\"}");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode completion = json(response);
    assertThat(completion.get("id").asText()).startsWith("cmpl-");
    assertThat(completion.get("object").asText()).isEqualTo("text_completion");
    JsonNode choice = completion.get("choices").get(0);
    assertThat(choice.get("index").asInt()).isZero();
    assertThat(choice.get("text").asText()).isEqualTo("Once upon a  time");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(completion.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
    assertThat(completion.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void chatEchoesTheLastUserMessageWhileAFixedAnswerIgnoresIt() throws Exception {
    var conversation =
        """
        {"model": "%s", "messages": [
          {"role": "user", "content": "first question"},
          {"role": "assistant", "content": "first answer"},
          {"role": "user", "content": [{"type": "text", "text": "second question"}]}]}
        """;

    var echoed = json(client.post("/v1/chat/completions", conversation.formatted("echo")));
    var fixed = json(client.post("/v1/chat/completions", conversation.formatted("fixed")));

    assertThat(content(echoed)).isEqualTo("second question");
    assertThat(content(fixed)).isEqualTo("The sky is blue.");
  }

  @Test
  void maxTokensCutsTheAnswerToThatManyWords() throws Exception {
    var chat =
        json(
            client.post(
                "/v1/chat/completions",
                """
                {"model": "paced", "max_tokens": 2,
                 "messages": [{"role": "user", "content": "count"}]}
                """));
    var text =
        json(
            client.post(
                "/v1/completions",
                """
                {"model": "fixed", "max_completion_tokens": 3, "prompt": "sky?"}
                """));

    assertThat(content(chat)).isEqualTo("one two");
    assertThat(chat.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    assertThat(chat.get("usage").get("completion_tokens").asInt()).isEqualTo(2);
    assertThat(text.get("choices").get(0).get("text").asText()).isEqualTo("The sky is");
    assertThat(text.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
  }

  @Test
  void chatStreamSendsOneChunkPerWordThenTheFinishReasonThenDone() throws Exception {
    var response =
        client.post(
            "/v1/chat/completions",
            """
            {"model": "fixed", "stream": true,
             "messages": [{"role": "user", "content": "sky?"}]}
            """);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<String> events = events(response.body());
    assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
    List<JsonNode> chunks = events.subList(0, 5).stream().map(SimulatorClient::parse).toList();
    assertThat(chunks)
        .allSatisfy(
            chunk -> {
              assertThat(chunk.get("object").asText()).isEqualTo("chat.completion.chunk");
              assertThat(chunk.get("model").asText()).isEqualTo("fixed");
              assertThat(chunk.has("usage")).isFalse();
            });
    assertThat(chunks.stream().map(chunk -> chunk.get("id")).distinct()).hasSize(1);
    List<JsonNode> deltas =
        chunks.stream().map(chunk -> chunk.get("choices").get(0).get("delta")).toList();
    assertThat(deltas.get(0).get("role").asText()).isEqualTo("assistant");
    assertThat(deltas.subList(1, 5)).noneMatch(delta -> delta.has("role"));
    assertThat(deltas.subList(0, 4).stream().map(delta -> delta.get("content").asText()))
        .containsExactly("The", " sky", " is", " blue.");
    JsonNode last = chunks.get(4).get("choices").get(0);
    assertThat(last.get("delta").isEmpty()).isTrue();
    assertThat(last.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(chunks.get(0).get("choices").get(0).get("finish_reason").isNull()).isTrue();
  }

  @Test
  void streamEndsWithAUsageChunkOnlyWhenTheClientAsksForIt() throws Exception {
    var response =
        client.post(
            "/v1/chat/completions",
            """
            {"model": "fixed", "stream": true, "stream_options": {"include_usage": true},
             "messages": [{"role": "user", "content": "sky?"}]}
            """);

    List<String> events = events(response.body());
    assertThat(events).hasSize(7).last().isEqualTo("[DONE]");
    JsonNode usageChunk = JSON.readTree(events.get(5));
    assertThat(usageChunk.get("choices").isEmpty()).isTrue();
    assertThat(usageChunk.get("usage")).isEqualTo(usage(1, 4));
    for (String chunk : events.subList(0, 5)) {
      assertThat(JSON.readTree(chunk).get("usage").isNull()).isTrue();
    }
  }

  @Test
  void textCompletionStreamsTextChunks() throws Exception {
    var response =
        client.post(
            "/v1/completions",
            """
            {"model": "echo", "stream": true, "prompt": "to be or not"}
            """);

    List<String> events = events(response.body());
    assertThat(events).last().isEqualTo("[DONE]");
    var text = new StringBuilder();
    for (String event : events.subList(0, events.size() - 1)) {
      JsonNode chunk = JSON.readTree(event);
      assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
      text.append(chunk.get("choices").get(0).get("text").asText());
    }
    assertThat(text).hasToString("to be or not");
    JsonNode last = JSON.readTree(events.get(events.size() - 2)).get("choices").get(0);
    assertThat(last.get("finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void latencyDelaysTheAnswer() throws Exception {
    long start = System.nanoTime();
    var response = client.chat("slow", "hello");
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
  }

  @Test
  void streamedWordsArePacedAtTheTokenRate() throws Exception {
    long start = System.nanoTime();
    var response =
        client.post(
            "/v1/chat/completions",
            """
            {"model": "paced", "stream": true,
             "messages": [{"role": "user", "content": "go"}]}
            """);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertThat(events(response.body())).hasSize(7);
    // Five words at 20 per second: the first at once, four more 50 ms apart.
    assertThat(elapsedMs).isGreaterThanOrEqualTo(200);
  }

  @Test
  void listsTheConfiguredModels() throws Exception {
    JsonNode list = json(client.get("/v1/models"));

    assertThat(list.get("object").asText()).isEqualTo("list");
    assertThat(list.get("data").findValuesAsText("id"))
        .containsExactly("fixed", "echo", "slow", "paced");
    assertThat(list.get("data").get(0).get("object").asText()).isEqualTo("model");
    assertThat(list.get("data").get(0).get("owned_by").asText()).isEqualTo("beast-mode-simulator");
  }

  @Test
  void unknownModelIs404ModelNotFound() throws Exception {
    var response = client.chat("gpt-5", "hello");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode error = json(response).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("param").asText()).isEqualTo("model");
    assertThat(error.get("code").asText()).isEqualTo("model_not_found");
    assertThat(error.get("message").asText()).contains("gpt-5");
  }

  @Test
  void malformedOrMissingJsonIs400InvalidRequest() throws Exception {
    for (String body : List.of("{\"model\": \"echo\", \"messages\": [", "", "[1]", "{} {}")) {
      var response = client.post("/v1/chat/completions", body);

      assertThat(response.statusCode()).as(body).isEqualTo(400);
      JsonNode error = json(response).get("error");
      assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.get("message").asText()).isNotEmpty();
      assertThat(error.has("param")).isTrue();
      assertThat(error.has("code")).isTrue();
    }
  }

  static JsonNode usage(int promptTokens, int completionTokens) {
    return JSON.createObjectNode()
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
  }

  static String content(JsonNode chatCompletion) {
    return chatCompletion.get("choices").get(0).get("message").get("content").asText();
  }
}
