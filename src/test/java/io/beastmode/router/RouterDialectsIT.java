package io.beastmode.router;

import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterChecks.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.router.dialect.StreamGrammar;
import io.beastmode.testing.PythonClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router's three dialects (OpenAI chat, OpenAI Responses, Anthropic Messages) against the three
 * kinds of upstream, over real HTTP: every answer in the caller's shape, every stream checked by
 * {@link StreamGrammar}, bodies passed byte for byte where the upstream speaks the caller's
 * dialect, fallback across kinds, one cache for every dialect, and the same cost whichever dialect
 * asked.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterDialectsTestResource.class, restrictToAnnotatedClass = true)
class RouterDialectsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> MODELS = List.of("claude-sonnet", "gpt-4o-mini", "azure-gpt");

  @TestHTTPResource("/")
  URL url;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  RouterClient router;

  @BeforeEach
  void client() {
    router = new RouterClient(url.toString(), management.toString());
  }

  @Test
  void aMessagesRequestIsAnsweredByEveryKindOfUpstreamStreamedOrNot() throws Exception {
    for (String model : MODELS) {
      String body = messages(model, "hello " + unique(), false);

      HttpResponse<String> plain = post("/v1/messages", body);
      HttpResponse<byte[]> streamed = postBytes("/v1/messages", streamed(body));

      assertThat(plain.statusCode()).as(model + ": " + plain.body()).isEqualTo(200);
      assertThat(header(plain, "x-beastmode-model")).isEqualTo(model);
      JsonNode answer = JSON.readTree(plain.body());
      assertThat(answer.path("type").asText()).isEqualTo("message");
      assertThat(answer.path("role").asText()).isEqualTo("assistant");
      assertThat(answer.at("/content/0/type").asText()).isEqualTo("text");
      assertThat(answer.path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(answer.at("/usage/input_tokens").asLong()).isPositive();
      assertThat(streamed.statusCode()).as(model).isEqualTo(200);
      assertThat(StreamGrammar.messages(streamed.body())).as(model).isEmpty();
      assertThat(new String(streamed.body(), StandardCharsets.UTF_8))
          .as(model + ": message_start reports the input")
          .containsPattern("\"input_tokens\":[1-9]");
    }
  }

  @Test
  void aResponsesRequestIsAnsweredByEveryKindOfUpstreamStreamedOrNot() throws Exception {
    for (String model : MODELS) {
      String body =
          "{\"model\":\""
              + model
              + "\",\"store\":false,\"instructions\":\"Be brief.\",\"input\":\"hello "
              + unique()
              + "\"}";

      HttpResponse<String> plain = post("/v1/responses", body);
      HttpResponse<byte[]> streamed = postBytes("/v1/responses", streamed(body));

      assertThat(plain.statusCode()).as(model + ": " + plain.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(plain.body());
      assertThat(answer.path("object").asText()).isEqualTo("response");
      assertThat(answer.path("status").asText()).isEqualTo("completed");
      assertThat(answer.at("/output/0/content/0/type").asText()).isEqualTo("output_text");
      assertThat(answer.at("/usage/input_tokens").asLong()).isPositive();
      assertThat(streamed.statusCode()).as(model).isEqualTo(200);
      assertThat(StreamGrammar.responses(streamed.body(), null)).as(model).isEmpty();
    }
  }

  @Test
  void aChatRequestWithToolsGetsParallelCallsFromAnAnthropicModelStreamedAsNot() throws Exception {
    String body =
        "{\"model\":\"claude-sonnet\",\"max_tokens\":300,\"temperature\":0,"
            + "\"messages\":[{\"role\":\"user\","
            + "\"content\":\"weather and time in Paris "
            + unique()
            + "\"}],\"tools\":"
            + chatTools()
            + "}";

    HttpResponse<String> plain = post("/v1/chat/completions", body);
    HttpResponse<byte[]> streamed =
        postBytes("/v1/chat/completions", streamed(body), "cache-control", "no-store");
    HttpResponse<byte[]> replayed = postBytes("/v1/chat/completions", streamed(body));

    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(plain.body());
    JsonNode calls = answer.at("/choices/0/message/tool_calls");
    assertThat(answer.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(calls).hasSize(2);
    for (JsonNode call : calls) {
      JsonNode arguments = JSON.readTree(call.at("/function/arguments").asText());
      assertThat(arguments.isObject() && arguments.size() > 0).as(call.toString()).isTrue();
    }
    // A fresh stream has calls of its own (new ids); the cached answer replayed as a stream is
    // the same answer.
    assertThat(StreamGrammar.chat(streamed.body(), null)).isEmpty();
    assertThat(header(replayed, "x-beastmode-cache")).isEqualTo("hit");
    assertThat(StreamGrammar.chat(replayed.body(), answer)).isEmpty();
  }

  @Test
  void aBodyInTheUpstreamsOwnDialectPassesByteForByteApartFromItsModel() throws Exception {
    String sent =
        "{ \"model\" : \"claude-sonnet\",\"max_tokens\":50,  \"system\":[{\"type\":\"text\","
            + "\"text\":\"You are terse.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\\u00e9 "
            + unique()
            + "\"}],\"metadata\":{\"user_id\":\"u-1\"}}";

    HttpResponse<String> answer =
        post(
            "/v1/messages",
            sent,
            "anthropic-version",
            "2023-06-01",
            "anthropic-beta",
            "prompt-caching-2024-07-31,interleaved-thinking-2025-05-14");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode received = lastUpstreamRequest();
    assertThat(received.path("path").asText()).isEqualTo("/v1/messages");
    assertThat(received.path("body").asText())
        .isEqualTo(sent.replace("\"claude-sonnet\"", "\"claude-sonnet-4-5\""));
    assertThat(received.at("/headers/anthropic-beta/0").asText())
        .isEqualTo("prompt-caching-2024-07-31,interleaved-thinking-2025-05-14");
    assertThat(received.at("/headers/anthropic-version/0").asText()).isEqualTo("2023-06-01");
    assertThat(received.at("/headers/x-api-key/0").asText()).isEqualTo("sk-ant-test");
  }

  @Test
  void anAzureModelIsCalledOnItsDeploymentPathWithItsKey() throws Exception {
    HttpResponse<String> answer =
        post("/v1/chat/completions", chat("azure-gpt", "hello " + unique()));

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    JsonNode received = lastUpstreamRequest();
    assertThat(received.path("path").asText())
        .isEqualTo("/openai/deployments/azure-gpt/chat/completions?api-version=2024-10-21");
    assertThat(received.at("/headers/api-key/0").asText()).isEqualTo("azure-test-key");
  }

  @Test
  void anAnthropic529FallsBackToAnOpenAiModelAndTheCallerStillGetsMessages() throws Exception {
    String body = messages("claude-overloaded", "fall back " + unique(), false);

    HttpResponse<String> plain = post("/v1/messages", body);
    HttpResponse<byte[]> streamed = postBytes("/v1/messages", streamed(body));

    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    assertThat(header(plain, "x-beastmode-model")).isEqualTo("gpt-4o-mini");
    assertThat(JSON.readTree(plain.body()).path("type").asText()).isEqualTo("message");
    assertThat(streamed.statusCode()).isEqualTo(200);
    assertThat(StreamGrammar.messages(streamed.body())).isEmpty();
  }

  @Test
  void anAnswerCachedForAChatRequestAnswersTheSameMessagesAndResponsesRequests() throws Exception {
    String question = "cached across dialects " + unique();
    String chat =
        "{\"model\":\"gpt-4o-mini\",\"max_tokens\":100,\"temperature\":0,\"messages\":["
            + "{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}";
    String messages =
        "{\"model\":\"gpt-4o-mini\",\"max_tokens\":100,\"temperature\":0,\"system\":\"Be brief.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}";
    String responses =
        "{\"model\":\"gpt-4o-mini\",\"max_output_tokens\":100,\"temperature\":0,"
            + "\"instructions\":\"Be brief.\",\"input\":[{\"role\":\"user\",\"content\":\""
            + question
            + "\"}]}";

    HttpResponse<String> first = post("/v1/chat/completions", chat);
    String text = JSON.readTree(first.body()).at("/choices/0/message/content").asText();
    HttpResponse<String> fromMessages = router.untilHitOn("/v1/messages", messages);
    HttpResponse<byte[]> streamedMessages = postBytes("/v1/messages", streamed(messages));
    HttpResponse<String> fromResponses = post("/v1/responses", responses);

    assertThat(header(first, "x-beastmode-cache")).isEqualTo("miss");
    assertThat(JSON.readTree(fromMessages.body()).at("/content/0/text").asText()).isEqualTo(text);
    assertThat(header(streamedMessages, "x-beastmode-cache")).isEqualTo("hit");
    assertThat(StreamGrammar.messages(streamedMessages.body())).isEmpty();
    assertThat(header(fromResponses, "x-beastmode-cache")).isEqualTo("hit");
    assertThat(JSON.readTree(fromResponses.body()).at("/output/0/content/0/text").asText())
        .isEqualTo(text);
  }

  @Test
  void theSameExchangeCostsTheSameInEveryDialectAndCacheTokensAreBilledOnce() throws Exception {
    String question = "what does this cost " + unique();
    HttpResponse<String> viaMessages =
        post(
            "/v1/messages",
            messages("claude-sonnet", question, false),
            "cache-control",
            "no-store");
    HttpResponse<String> viaChat =
        post("/v1/chat/completions", chat("claude-sonnet", question), "cache-control", "no-store");
    HttpResponse<String> viaResponses =
        post(
            "/v1/responses",
            "{\"model\":\"claude-sonnet\",\"max_output_tokens\":200,\"input\":\""
                + question
                + "\"}",
            "cache-control",
            "no-store");

    JsonNode usage = JSON.readTree(viaMessages.body()).path("usage");
    long uncached = usage.path("input_tokens").asLong();
    long read = usage.path("cache_read_input_tokens").asLong();
    long written = usage.path("cache_creation_input_tokens").asLong();
    long output = usage.path("output_tokens").asLong();
    assertThat(read).as("the simulator reports cache reads").isPositive();
    assertThat(written).as("and cache writes").isPositive();
    String expected =
        BigDecimal.valueOf(
                (uncached * 3.00 + read * 0.30 + written * 3.75 + output * 15.00) / 1_000_000.0)
            .setScale(8, RoundingMode.HALF_UP)
            .toPlainString();
    assertThat(header(viaMessages, "x-beastmode-cost-usd")).isEqualTo(expected);
    assertThat(header(viaChat, "x-beastmode-cost-usd")).isEqualTo(expected);
    assertThat(header(viaResponses, "x-beastmode-cost-usd")).isEqualTo(expected);
    JsonNode chatUsage = JSON.readTree(viaChat.body()).path("usage");
    assertThat(chatUsage.path("prompt_tokens").asLong()).isEqualTo(uncached + read + written);
    assertThat(chatUsage.at("/prompt_tokens_details/cached_tokens").asLong()).isEqualTo(read);
  }

  @Test
  void errorsComeInTheCallersDialect() throws Exception {
    HttpResponse<String> badField =
        post(
            "/v1/messages",
            "{\"model\":\"claude-sonnet\",\"max_tokens\":\"many\",\"messages\":[]}");
    HttpResponse<String> unknown = post("/v1/messages", messages("claude-9", "hi", false));
    HttpResponse<String> stateful =
        post(
            "/v1/responses",
            "{\"model\":\"gpt-4o-mini\",\"input\":\"hi\",\"previous_response_id\":\"resp_1\"}");
    HttpResponse<String> notFound = router.get("/v1/nothing", "anthropic-version", "2023-06-01");

    assertThat(badField.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badField.body()).path("type").asText()).isEqualTo("error");
    assertThat(JSON.readTree(badField.body()).at("/error/type").asText())
        .isEqualTo("invalid_request_error");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).at("/error/type").asText())
        .isEqualTo("not_found_error");
    assertThat(stateful.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(stateful.body()).at("/error/param").asText())
        .isEqualTo("previous_response_id");
    assertThat(JSON.readTree(notFound.body()).at("/error/type").asText())
        .isEqualTo("not_found_error");
  }

  @Test
  void tokensAreCountedByAnAnthropicModelAndEstimatedForOthers() throws Exception {
    String count =
        "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"count these words\"}]}";

    HttpResponse<String> exact =
        post("/v1/messages/count_tokens", count.formatted("claude-sonnet"));
    HttpResponse<String> estimated =
        post("/v1/messages/count_tokens", count.formatted("gpt-4o-mini"));

    assertThat(exact.statusCode()).as(exact.body()).isEqualTo(200);
    assertThat(header(exact, "x-beastmode-token-count")).isEqualTo("exact");
    assertThat(lastUpstreamRequest().path("path").asText()).isEqualTo("/v1/messages/count_tokens");
    assertThat(JSON.readTree(exact.body()).path("input_tokens").asLong()).isPositive();
    assertThat(header(estimated, "x-beastmode-token-count")).isEqualTo("estimated");
    assertThat(JSON.readTree(estimated.body()).path("input_tokens").asLong()).isPositive();
  }

  @Test
  void theModelListTakesAnthropicsShapeForAnAnthropicClient() throws Exception {
    JsonNode list =
        JSON.readTree(router.get("/v1/models", "anthropic-version", "2023-06-01").body());

    assertThat(list.path("has_more").asBoolean(true)).isFalse();
    assertThat(list.at("/data/0/type").asText()).isEqualTo("model");
    assertThat(list.path("first_id").asText()).isEqualTo("claude-sonnet");
  }

  @Test
  void embeddingsComeFromTheModelNamedOnlyAndAreMeteredAndCached() throws Exception {
    String body =
        "{\"model\":\"text-embedding-3-small\",\"input\":[\"first " + unique() + "\",\"second\"]}";

    HttpResponse<String> first = post("/v1/embeddings", body);

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(first.body());
    assertThat(answer.path("data")).hasSize(2);
    assertThat(answer.at("/data/0/embedding")).hasSize(8);
    assertThat(answer.at("/usage/prompt_tokens").asLong()).isPositive();
    assertThat(Double.parseDouble(header(first, "x-beastmode-cost-usd"))).isPositive();
    assertThat(header(first, "x-beastmode-cache")).isEqualTo("miss");
    HttpResponse<String> again = router.untilHitOn("/v1/embeddings", body);
    assertThat(again.body()).isEqualTo(first.body());

    HttpResponse<String> toAChatModel =
        post("/v1/embeddings", "{\"model\":\"gpt-4o-mini\",\"input\":\"x\"}");
    // A chat request naming the embedding model is answered by the fallback chain, as for any
    // model that cannot serve a request; never by the embedding model.
    HttpResponse<String> chatToIt =
        post("/v1/chat/completions", chat("text-embedding-3-small", "hello"));
    HttpResponse<String> noInput =
        post("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[]}");
    assertThat(toAChatModel.statusCode()).isEqualTo(400);
    assertThat(toAChatModel.body()).contains("not an embedding model");
    assertThat(header(chatToIt, "x-beastmode-model")).isEqualTo("gpt-4o-mini");
    assertThat(noInput.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(noInput.body()).at("/error/param").asText()).isEqualTo("input");
  }

  /**
   * Anthropic's Python SDK, as Claude Code's gateway contract uses it: the same calls whether an
   * Anthropic model answers (passed through) or an OpenAI-compatible one (translated).
   */
  @Test
  void theAnthropicSdkWorksThroughTheRouterWhicheverKindOfModelAnswers() throws Exception {
    for (String model : List.of("claude-sonnet", "gpt-4o-mini")) {
      Map<String, JsonNode> cases =
          PythonClient.run(
              "anthropic-python",
              "src/test/resources/anthropic/sdk_against_router.py",
              url.toString().replaceAll("/$", ""),
              model);

      JsonNode created = ok(cases, "create", model);
      assertThat(created.path("text").asText()).isNotEmpty();
      assertThat(created.path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(created.path("input_tokens").asInt()).isPositive();
      JsonNode streamed = ok(cases, "stream", model);
      assertThat(streamed.path("same_content").asBoolean()).as(model + " " + streamed).isTrue();
      assertThat(streamed.path("same_stop_reason").asBoolean()).isTrue();
      assertThat(streamed.path("started_input_tokens").asInt()).as(model).isPositive();
      assertThat(streamed.path("final_input_tokens").asInt()).as(model).isPositive();
      JsonNode turns = ok(cases, "tools", model);
      assertThat(turns).hasSize(3);
      assertThat(turns.get(0).path("stop_reason").asText()).isEqualTo("tool_use");
      assertThat(turns.get(0).path("tools").toString()).isEqualTo("[\"get_weather\",\"get_time\"]");
      assertThat(turns.get(0).path("inputs_filled").asBoolean()).as(model).isTrue();
      assertThat(turns.get(1).path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(ok(cases, "count", model).path("input_tokens").asInt()).isPositive();
      assertThat(cases.get("unknown").path("outcome").asText()).isEqualTo("NotFoundError");
      assertThat(cases.get("large").path("status").asInt()).isEqualTo(413);
      assertThat(cases.get("overloaded").path("outcome").asText()).isEqualTo("OverloadedError");
    }
  }

  /**
   * The OpenAI Python SDK's Responses API, as Codex uses it (stateless, the conversation sent again
   * each turn), against an OpenAI-compatible model and an Anthropic one.
   */
  @Test
  void theOpenAiSdksResponsesApiWorksThroughTheRouterWhicheverKindOfModelAnswers()
      throws Exception {
    for (String model : List.of("gpt-4o-mini", "claude-sonnet")) {
      Map<String, JsonNode> cases =
          PythonClient.run(
              "openai-python",
              "src/test/resources/openai/responses_against_router.py",
              url + "v1",
              model);

      JsonNode created = ok(cases, "create", model);
      assertThat(created.path("status").asText()).isEqualTo("completed");
      assertThat(created.path("text").asText()).isNotEmpty();
      assertThat(created.path("input_tokens").asInt()).isPositive();
      JsonNode streamed = ok(cases, "stream", model);
      assertThat(streamed.path("first").asText()).isEqualTo("response.created");
      assertThat(streamed.path("last").asText()).isEqualTo("response.completed");
      assertThat(streamed.path("text").asText()).isNotEmpty();
      JsonNode tools = ok(cases, "tools", model);
      assertThat(tools.path("calls").toString()).contains("get_weather");
      assertThat(tools.at("/arguments/0/city").isTextual()).as(model + " " + tools).isTrue();
      assertThat(tools.path("then").asText()).isNotEmpty();
      assertThat(cases.get("stateful").path("status").asInt()).isEqualTo(400);
    }
  }

  private static JsonNode ok(Map<String, JsonNode> cases, String name, String model) {
    JsonNode seen = cases.get(name);
    assertThat(seen).as(model + ": no line for " + name + " in " + cases).isNotNull();
    assertThat(seen.path("outcome").asText()).as(model + " " + name + ": " + seen).isEqualTo("ok");
    return seen.path("result");
  }

  private static String messages(String model, String text, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":200,\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  private static String chat(String model, String text) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  /** The same request, streamed. */
  private static String streamed(String body) {
    return body.contains("\"stream\":false")
        ? body.replace("\"stream\":false", "\"stream\":true")
        : body.replaceFirst("\\{", "{\"stream\":true,");
  }

  private static String chatTools() {
    return "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
        + "{\"type\":\"object\",\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}}},"
        + "{\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"parameters\":"
        + "{\"type\":\"object\",\"required\":[\"zone\"],\"properties\":{\"zone\":{\"type\":\"string\"}}}}}]";
  }

  private HttpResponse<String> post(String path, String body, String... headers) {
    return router.post(path, body, headers);
  }

  private HttpResponse<byte[]> postBytes(String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + path.substring(1)))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode lastUpstreamRequest() throws Exception {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(RouterDialectsTestResource.root() + "/sim/requests?last=1"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode requests = JSON.readTree(response.body());
    JsonNode list = requests.isArray() ? requests : requests.path("requests");
    return list.get(list.size() - 1);
  }
}
