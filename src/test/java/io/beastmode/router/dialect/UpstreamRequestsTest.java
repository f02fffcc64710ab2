package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import org.junit.jupiter.api.Test;

/** Canonical requests written for each kind of upstream. */
class UpstreamRequestsTest {
  private static final AnthropicUpstream ANTHROPIC = new AnthropicUpstream(4096);

  private static CanonicalRequest chat(String body) {
    return new ChatDialect().parse(json(body));
  }

  @Test
  void aChatRequestBecomesAMessagesBodyAnthropicAccepts() {
    ObjectNode body =
        ANTHROPIC.request(
            chat(
                """
                {"model":"alias","temperature":0.2,"stop":["END"],"user":"u7",
                 "parallel_tool_calls":false,"tool_choice":"required","stream":true,
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"},"strict":true}}],
                 "messages":[
                  {"role":"system","content":"rules"},
                  {"role":"user","content":"a"},{"role":"user","content":"b"},
                  {"role":"assistant","content":"","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"t","content":"42"},
                  {"role":"developer","content":"late rule"}]}
                """),
            "claude-sonnet");

    assertThat(body)
        .isEqualTo(
            json(
                """
                {"model":"claude-sonnet","max_tokens":4096,
                 "system":[{"type":"text","text":"rules"},{"type":"text","text":"late rule"}],
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"42"}]}],
                 "temperature":0.2,"stop_sequences":["END"],"stream":true,
                 "tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},
                 "metadata":{"user_id":"u7"}}
                """));
  }

  @Test
  void aTemperatureAboveOneIsRefusedForAnthropicWithAClearError() {
    CanonicalRequest request =
        chat(
            "{\"model\":\"m\",\"temperature\":1.4,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThatThrownBy(() -> ANTHROPIC.request(request, "claude"))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.param()).isEqualTo("temperature");
              assertThat(e.getMessage()).contains("between 0 and 1");
            });
  }

  @Test
  void severalChoicesAreRefusedForAnthropic() {
    CanonicalRequest request =
        chat("{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThatThrownBy(() -> ANTHROPIC.request(request, "claude"))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("n"));
  }

  @Test
  void anOpenAiEffortBecomesAThinkingBudgetThatFitsUnderMaxTokens() {
    ObjectNode body =
        ANTHROPIC.request(
            chat(
                "{\"model\":\"m\",\"reasoning_effort\":\"high\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            "claude");
    assertThat(body.path("thinking"))
        .isEqualTo(json("{\"type\":\"enabled\",\"budget_tokens\":16384}"));
    assertThat(body.path("max_tokens").asInt()).isGreaterThan(16384);
  }

  @Test
  void anAnthropicThinkingBudgetBecomesAnEffortOnlyForAModelThatReasons() {
    CanonicalRequest claudeCode =
        new MessagesDialect()
            .parse(
                json(
                    "{\"model\":\"m\",\"max_tokens\":32000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":31999},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));
    CanonicalRequest chatWithEffort =
        chat(
            "{\"model\":\"m\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(new OpenAiUpstream().request(claudeCode, "gpt-4o").has("reasoning_effort"))
        .isFalse();
    assertThat(new OpenAiUpstream(true).request(claudeCode, "o3").path("reasoning_effort").asText())
        .isEqualTo("high");
    assertThat(new OpenAiUpstream().request(chatWithEffort, "o3").path("reasoning_effort").asText())
        .isEqualTo("low");
  }

  @Test
  void aTranslatedRequestWithReasoningLeavesOutWhatAnthropicRefusesBesideThinking() {
    ObjectNode sampled =
        ANTHROPIC.request(
            chat(
                "{\"model\":\"m\",\"reasoning_effort\":\"low\",\"temperature\":0.2,\"top_p\":0.5,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            "claude");
    assertThat(sampled.has("thinking")).isTrue();
    assertThat(sampled.has("temperature") || sampled.has("top_p")).isFalse();

    ObjectNode forced =
        ANTHROPIC.request(
            chat(
                "{\"model\":\"m\",\"reasoning_effort\":\"low\",\"tool_choice\":\"required\","
                    + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
            "claude");
    assertThat(forced.has("thinking")).isFalse();
    assertThat(forced.path("tool_choice").path("type").asText()).isEqualTo("any");
  }

  @Test
  void unsignedThinkingAndEmptyTextStayAwayFromAnthropic() {
    CanonicalRequest request =
        chat(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"reasoning_content\":\"hm\",\"content\":\"ok\"},"
                + "{\"role\":\"user\",\"content\":\"\"},{\"role\":\"user\",\"content\":\"y\"}]}");
    JsonNode messages = ANTHROPIC.request(request, "claude").path("messages");
    assertThat(messages.path(1).path("content"))
        .isEqualTo(Json.readOrNull("[{\"type\":\"text\",\"text\":\"ok\"}]"));
    assertThat(messages.path(2).path("content"))
        .isEqualTo(Json.readOrNull("[{\"type\":\"text\",\"text\":\"y\"}]"));
  }

  @Test
  void aMessagesRequestBecomesAChatBodyWithUsageAskedForWhenStreamed() {
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    """
                    {"model":"alias","max_tokens":200,"stream":true,"system":"rules","top_k":3,
                     "tool_choice":{"type":"tool","name":"f"},
                     "tools":[{"name":"f","description":"does f","input_schema":{"type":"object"}}],
                     "messages":[{"role":"user","content":[
                       {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"QUJD"}},
                       {"type":"text","text":"what is this"}]}]}
                    """));
    ObjectNode body = new OpenAiUpstream().request(request, "llama");

    assertThat(body)
        .isEqualTo(
            json(
                """
                {"model":"llama","messages":[
                  {"role":"system","content":"rules"},
                  {"role":"user","content":[
                    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,QUJD"}},
                    {"type":"text","text":"what is this"}]}],
                 "tools":[{"type":"function","function":{"name":"f","description":"does f","parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},
                 "max_tokens":200,"stream":true,"stream_options":{"include_usage":true}}
                """));
  }

  @Test
  void anAnthropicServerToolCannotGoToAnOpenAiUpstream() {
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    "{\"model\":\"m\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                        + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}"));
    assertThatThrownBy(() -> new OpenAiUpstream().request(request, "llama"))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.getMessage()).contains("web_search_20250305"));
    assertThat(ANTHROPIC.request(request, "claude").path("tools").path(0))
        .isEqualTo(
            json(
                "{\"name\":\"web_search\",\"input_schema\":{\"type\":\"object\",\"properties\":{}},\"type\":\"web_search_20250305\"}"));
  }

  @Test
  void anAnthropicDocumentReachesAnAnthropicUpstreamAsSentAndNoOtherKind() {
    String document =
        "{\"type\":\"document\",\"source\":{\"type\":\"base64\",\"media_type\":\"application/pdf\",\"data\":\"JVBE\"},\"cache_control\":{\"type\":\"ephemeral\"}}";
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    "{\"model\":\"m\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\",\"content\":["
                        + document
                        + ",{\"type\":\"text\",\"text\":\"summarise\"}]}]}"));

    assertThat(
            ANTHROPIC.request(request, "claude").path("messages").path(0).path("content").path(0))
        .isEqualTo(json(document));
    assertThatThrownBy(() -> new OpenAiUpstream().request(request, "llama"))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.getMessage()).contains("'document' block"));
    CanonicalAnswer stored =
        new CanonicalAnswer(
            "a",
            "m",
            0,
            request.messages().get(0).content(),
            StopReason.endTurn,
            null,
            TokenUsage.NONE);
    assertThat(CanonicalAnswer.fromJson(stored.toJson())).isEqualTo(stored);
  }

  @Test
  void anOpenAiCustomToolReachesAnOpenAiUpstreamAsSentAndNoOtherKind() {
    CanonicalRequest request =
        chat(
            """
            {"model":"m","messages":[{"role":"user","content":"patch it"}],
             "tools":[{"type":"custom","custom":{"name":"apply_patch","format":{"type":"text"}}},
               {"type":"function","function":{"name":"f","parameters":{"type":"object"},"strict":true}}]}
            """);

    assertThat(new OpenAiUpstream().request(request, "gpt").path("tools"))
        .isEqualTo(
            Json.readOrNull(
                """
                [{"type":"custom","custom":{"name":"apply_patch","format":{"type":"text"}}},
                 {"type":"function","function":{"name":"f","parameters":{"type":"object"},"strict":true}}]
                """));
    assertThatThrownBy(() -> ANTHROPIC.request(request, "claude"))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.getMessage()).contains("'apply_patch' is an OpenAI custom tool"));
  }

  @Test
  void azuresPromptFilterChunkDoesNotStartTheAnswer() {
    byte[] stream =
        DialectFixtures.openAiStream(
            "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0}]}",
            "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
    var events = DialectFixtures.decode(new OpenAiUpstream().streamDecoder(3), stream);

    assertThat(events.get(0))
        .isEqualTo(
            new StreamEvent.MessageStart(
                "chatcmpl-1", "gpt-4o", new TokenUsage(3, 0, 0, 0, 0, true)));
  }
}
