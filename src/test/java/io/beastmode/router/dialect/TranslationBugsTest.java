package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.assembled;
import static io.beastmode.router.dialect.DialectFixtures.decode;
import static io.beastmode.router.dialect.DialectFixtures.decodeBytewise;
import static io.beastmode.router.dialect.DialectFixtures.encode;
import static io.beastmode.router.dialect.DialectFixtures.json;
import static io.beastmode.router.dialect.DialectFixtures.openAiStream;
import static io.beastmode.router.dialect.DialectFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The translation bugs other gateways keep shipping (issue 27, "What the field gets wrong"), one
 * test each, through the adapters a request and its answer cross.
 */
class TranslationBugsTest {
  private static final CanonicalRequest CHAT_REQUEST =
      new ChatDialect()
          .parse(json("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

  /** Two parallel calls whose pieces interleave, then the finish and a usage chunk. */
  private static final byte[] INTERLEAVED_TOOLS =
      openAiStream(
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"weather\",\"arguments\":\"\"}}]}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"time\",\"arguments\":\"{\\\"tz\\\"\"}}]}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\":\\\"UTC\\\"}\"}}]}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
          "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":30,\"prompt_tokens_details\":{\"cached_tokens\":100}}}");

  // Stream grammar

  @Test
  void parallelToolCallsThatInterleaveReachMessagesClientsAsWholeBlocksOneAtATime() {
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), INTERLEAVED_TOOLS);
    byte[] messages = encode(new MessagesStreamEncoder(), events);

    assertThat(StreamGrammar.messages(messages)).isEmpty();
    CanonicalAnswer answer = assembled(events).answer(0);
    assertThat(answer.content())
        .containsExactly(
            new Block.ToolUse("call_a", "weather", json("{\"city\":\"Paris\"}")),
            new Block.ToolUse("call_b", "time", json("{\"tz\":\"UTC\"}")));
  }

  @Test
  void parallelCallsSentWholeUnderOneIndexStaySeparateCalls() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]}}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"g\",\"arguments\":\"{\\\"y\\\":2}\"}}]},\"finish_reason\":\"tool_calls\"}]}");
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(1), upstream);

    assertThat(StreamGrammar.messages(encode(new MessagesStreamEncoder(), events))).isEmpty();
    assertThat(assembled(events).answer(0).content())
        .containsExactly(
            new Block.ToolUse("a", "f", json("{\"x\":1}")),
            new Block.ToolUse("b", "g", json("{\"y\":2}")));
  }

  @Test
  void theFirstTextDeltaAfterAThinkingBlockIsKept() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"let me think\"}}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"}}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" answer\"},\"finish_reason\":\"stop\"}]}");
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), upstream);

    assertThat(StreamGrammar.messages(encode(new MessagesStreamEncoder(), events))).isEmpty();
    assertThat(assembled(events).answer(0).content())
        .containsExactly(new Block.Thinking("let me think", null), new Block.Text("The answer"));
  }

  @Test
  void textAfterAToolCallOpensOnlyOnceTheToolBlockIsClosed() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}}]}",
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"done\"},\"finish_reason\":\"tool_calls\"}]}");
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), upstream);

    assertThat(StreamGrammar.messages(encode(new MessagesStreamEncoder(), events))).isEmpty();
    assertThat(events)
        .containsSubsequence(
            new StreamEvent.BlockStop(0), new StreamEvent.BlockStart(1, new Block.Text("")));
  }

  // Tool arguments

  @Test
  void toolInputAssembledFromPiecesIsTheWholeObjectNeverEmpty() {
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), INTERLEAVED_TOOLS);
    ObjectNode body = new MessagesDialect().renderAnswer(assembled(events).answer(0));

    assertThat(body.path("content").path(0).path("input")).isEqualTo(json("{\"city\":\"Paris\"}"));
    assertThat(body.path("content").path(1).path("input")).isEqualTo(json("{\"tz\":\"UTC\"}"));
  }

  @Test
  void toolResultsGoToOpenAiAsStringsOneMessagePerResultInOrder() {
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    """
                    {"model":"m","max_tokens":100,"messages":[
                      {"role":"user","content":"weather and time?"},
                      {"role":"assistant","content":[
                        {"type":"tool_use","id":"a","name":"weather","input":{"city":"Paris"}},
                        {"type":"tool_use","id":"b","name":"time","input":{}}]},
                      {"role":"user","content":[
                        {"type":"tool_result","tool_use_id":"a","content":[{"type":"text","text":"sunny"}]},
                        {"type":"tool_result","tool_use_id":"b","content":"noon"},
                        {"type":"text","text":"thanks"}]}]}
                    """));
    JsonNode messages = new OpenAiUpstream().request(request, "up").path("messages");

    assertThat(messages.path(2))
        .isEqualTo(json("{\"role\":\"tool\",\"tool_call_id\":\"a\",\"content\":\"sunny\"}"));
    assertThat(messages.path(3))
        .isEqualTo(json("{\"role\":\"tool\",\"tool_call_id\":\"b\",\"content\":\"noon\"}"));
    assertThat(messages.path(4)).isEqualTo(json("{\"role\":\"user\",\"content\":\"thanks\"}"));
    assertThat(
            messages.path(1).path("tool_calls").path(0).path("function").path("arguments").asText())
        .isEqualTo("{\"city\":\"Paris\"}");
  }

  @Test
  void anAssistantTurnOfOnlyToolCallsCarriesNoNullContentUpstream() {
    CanonicalRequest request =
        new ChatDialect()
            .parse(
                json(
                    """
                    {"model":"m","messages":[
                      {"role":"user","content":"hi"},
                      {"role":"assistant","content":null,"tool_calls":[
                        {"id":"a","type":"function","function":{"name":"f","arguments":"{\\"x\\":1}"}}]},
                      {"role":"tool","tool_call_id":"a","content":"1"}]}
                    """));

    JsonNode openAi = new OpenAiUpstream().request(request, "up").path("messages").path(1);
    assertThat(openAi.has("content")).isFalse();
    JsonNode anthropic =
        new AnthropicUpstream(4096).request(request, "up").path("messages").path(1);
    assertThat(anthropic.path("content"))
        .isEqualTo(
            Json.readOrNull(
                "[{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"f\",\"input\":{\"x\":1}}]"));
  }

  @Test
  void toolArgumentsThatAreNotAJsonObjectAreA400NamingTheField() {
    assertThatThrownBy(
            () ->
                new ChatDialect()
                    .parse(
                        json(
                            """
                            {"model":"m","messages":[{"role":"assistant","tool_calls":[
                              {"id":"a","type":"function","function":{"name":"f","arguments":"{oops"}}]}]}
                            """)))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> assertThat(e.param()).isEqualTo("messages[0].tool_calls[0].function.arguments"));
  }

  // Stop reasons

  @Test
  void aStreamEndingInToolCallsSaysSoInEveryDialectAsTheNonStreamedAnswerDoes() {
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), INTERLEAVED_TOOLS);
    CanonicalAnswer answer = assembled(events).answer(0);
    ObjectNode chat = new ChatDialect().renderAnswer(answer);

    assertThat(chat.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(StreamGrammar.chat(encode(new ChatStreamEncoder(true, 0), events), chat)).isEmpty();
    assertThat(new MessagesDialect().renderAnswer(answer).path("stop_reason").asText())
        .isEqualTo("tool_use");
  }

  @Test
  void anUpstreamSayingStopBesideToolCallsIsAToolUseStreamedOrNot() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}]}");
    CanonicalAnswer streamed =
        assembled(decode(new OpenAiUpstream().streamDecoder(1), upstream)).answer(0);
    CanonicalAnswer plain =
        new OpenAiUpstream()
            .parseAnswer(
                json(
                    "{\"id\":\"c\",\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"t\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"stop\"}]}"));

    assertThat(streamed.stopReason()).isEqualTo(StopReason.toolUse);
    assertThat(plain.stopReason()).isEqualTo(StopReason.toolUse);
  }

  // Usage in streams

  @Test
  void messageStartCarriesInputTokensAboveZeroEvenFromAnOpenAiUpstream() {
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(42), INTERLEAVED_TOOLS);
    byte[] messages = encode(new MessagesStreamEncoder(), events);
    JsonNode start = Json.readOrNull(new Sse.Reader().feed(messages).get(0).data());

    assertThat(start.path("message").path("usage").path("input_tokens").asLong()).isEqualTo(42);
  }

  @Test
  void inputTokensKnownAtTheStartAreNotOverwrittenByAMessageDeltaWithoutThem() {
    byte[] upstream =
        sse(
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"usage":{"input_tokens":25,"cache_read_input_tokens":100,"cache_creation_input_tokens":7,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}

            event: message_stop
            data: {"type":"message_stop"}

            """);
    CanonicalAnswer answer =
        assembled(decode(new AnthropicUpstream(4096).streamDecoder(0), upstream)).answer(0);

    assertThat(answer.usage()).isEqualTo(new TokenUsage(25, 100, 7, 9, 0));
  }

  @Test
  void usageIsCountedOnceWhenItArrivesAfterTheFinishReason() {
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(10), INTERLEAVED_TOOLS);

    assertThat(events.stream().filter(e -> e instanceof StreamEvent.MessageDelta)).hasSize(1);
    assertThat(assembled(events).answer(0).usage()).isEqualTo(new TokenUsage(20, 100, 0, 30, 0));
    byte[] chat = encode(new ChatStreamEncoder(true, 0), events);
    long usageChunks =
        new Sse.Reader().feed(chat).stream().filter(f -> f.data().contains("\"usage\"")).count();
    assertThat(usageChunks).isEqualTo(1);
  }

  @Test
  void aStreamWithoutUsageIsEstimatedAndSaysSo() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"abcdefgh\"},\"finish_reason\":\"stop\"}]}");
    TokenUsage usage =
        assembled(decode(new OpenAiUpstream().streamDecoder(50), upstream)).answer(0).usage();

    assertThat(usage).isEqualTo(new TokenUsage(50, 0, 0, 2, 0, true));
  }

  // Cache tokens

  @Test
  void cacheReadsAreBilledOnceInEveryDialect() {
    TokenUsage fromOpenAi =
        TokenUsage.fromOpenAi(
            json(
                "{\"prompt_tokens\":1000,\"completion_tokens\":50,\"prompt_tokens_details\":{\"cached_tokens\":800}}"));
    assertThat(fromOpenAi).isEqualTo(new TokenUsage(200, 800, 0, 50, 0));

    TokenUsage fromAnthropic =
        TokenUsage.fromAnthropic(
            json(
                "{\"input_tokens\":200,\"cache_read_input_tokens\":800,\"cache_creation_input_tokens\":0,\"output_tokens\":50}"));
    assertThat(fromAnthropic).isEqualTo(fromOpenAi);

    assertThat(fromAnthropic.toOpenAi().path("prompt_tokens").asLong()).isEqualTo(1000);
    assertThat(fromAnthropic.toResponses().path("input_tokens").asLong()).isEqualTo(1000);
    assertThat(fromOpenAi.toAnthropic().path("input_tokens").asLong()).isEqualTo(200);
    assertThat(fromOpenAi.toAnthropic().path("cache_read_input_tokens").asLong()).isEqualTo(800);
  }

  @Test
  void cacheWritesCountAsInputInOpenAisShapeAndNotAsCachedReads() {
    TokenUsage usage = new TokenUsage(10, 20, 30, 5, 0);

    ObjectNode openAi = usage.toOpenAi();
    assertThat(openAi.path("prompt_tokens").asLong()).isEqualTo(60);
    assertThat(openAi.path("prompt_tokens_details").path("cached_tokens").asLong()).isEqualTo(20);
    assertThat(TokenUsage.fromOpenAi(openAi).totalInput()).isEqualTo(usage.totalInput());
    assertThat(TokenUsage.fromAnthropic(usage.toAnthropic())).isEqualTo(usage);
    assertThat(TokenUsage.fromResponses(usage.toResponses()).totalInput()).isEqualTo(60);
  }

  // Pass-through

  @Test
  void cacheControlOnSystemAndTextReachesAnAnthropicUpstream() {
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    """
                    {"model":"m","max_tokens":10,
                     "system":[{"type":"text","text":"long rules","cache_control":{"type":"ephemeral"}}],
                     "messages":[{"role":"user","content":[
                       {"type":"text","text":"q","cache_control":{"type":"ephemeral","ttl":"1h"}}]}]}
                    """));
    ObjectNode body = new AnthropicUpstream(4096).request(request, "claude");

    assertThat(body.path("system").path(0).path("cache_control"))
        .isEqualTo(json("{\"type\":\"ephemeral\"}"));
    assertThat(body.path("messages").path(0).path("content").path(0).path("cache_control"))
        .isEqualTo(json("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"));
  }

  @Test
  void aStreamCutOffBeforeItsEndIsAnErrorNotASilentEnd() {
    byte[] upstream =
        sse(
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n");
    List<StreamEvent> events = decode(new OpenAiUpstream().streamDecoder(1), upstream);

    assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.StreamError.class);
    assertThat(StreamGrammar.messages(encode(new MessagesStreamEncoder(), events))).isEmpty();
  }

  @Test
  void eventsSplitInsideUtf8SequencesDecodeWhole() {
    byte[] upstream =
        openAiStream(
            "{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo 🌍 ünïcode\"},\"finish_reason\":\"stop\"}]}");
    CanonicalAnswer answer =
        assembled(decodeBytewise(new OpenAiUpstream().streamDecoder(1), upstream)).answer(0);

    assertThat(answer.content()).containsExactly(new Block.Text("héllo 🌍 ünïcode"));
  }

  @Test
  void chatStreamsServeLegacyCallersThatNeverAskedForUsage() {
    List<StreamEvent> events = CHAT_ANSWER.events();
    byte[] chat = encode(new ChatDialect().streamEncoder(CHAT_REQUEST, 0), events);

    assertThat(new String(chat, java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("usage");
    assertThat(StreamGrammar.chat(chat, new ChatDialect().renderAnswer(CHAT_ANSWER))).isEmpty();
  }

  private static final CanonicalAnswer CHAT_ANSWER =
      new CanonicalAnswer(
          "c",
          "m",
          7,
          List.of(new Block.Text("hello")),
          StopReason.endTurn,
          null,
          new TokenUsage(3, 0, 0, 1, 0));
}
