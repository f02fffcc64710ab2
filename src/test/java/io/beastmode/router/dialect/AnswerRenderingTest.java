package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.encode;
import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One answer, as each dialect's clients receive it, whole and streamed. */
class AnswerRenderingTest {
  private static final CanonicalAnswer ANSWER =
      new CanonicalAnswer(
          "msg_1",
          "claude",
          1700000000,
          List.of(
              new Block.Thinking("think", "sig"),
              new Block.Text("Calling."),
              new Block.ToolUse("toolu_1", "weather", json("{\"city\":\"Paris\"}"))),
          StopReason.toolUse,
          null,
          new TokenUsage(20, 100, 5, 40, 10));

  @Test
  void chat() {
    assertWritten(
        new ChatDialect().renderAnswer(ANSWER),
        json(
            """
                {"id":"msg_1","object":"chat.completion","created":1700000000,"model":"claude",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Calling.",
                   "reasoning_content":"think",
                   "tool_calls":[{"id":"toolu_1","type":"function",
                     "function":{"name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":125,"completion_tokens":40,"total_tokens":165,
                   "prompt_tokens_details":{"cached_tokens":100},
                   "completion_tokens_details":{"reasoning_tokens":10}}}
                """));
  }

  @Test
  void messages() {
    assertWritten(
        new MessagesDialect().renderAnswer(ANSWER),
        json(
            """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude",
                 "content":[{"type":"thinking","thinking":"think","signature":"sig"},
                   {"type":"text","text":"Calling."},
                   {"type":"tool_use","id":"toolu_1","name":"weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":20,"cache_creation_input_tokens":5,
                   "cache_read_input_tokens":100,"output_tokens":40}}
                """));
  }

  @Test
  void responses() {
    assertWritten(
        new ResponsesDialect().renderAnswer(ANSWER),
        json(
            """
                {"id":"resp_msg_1","object":"response","created_at":1700000000,"status":"completed",
                 "error":null,"incomplete_details":null,"model":"claude",
                 "output":[
                   {"id":"rs_msg_1_0","type":"reasoning","summary":[],
                    "content":[{"type":"reasoning_text","text":"think"}]},
                   {"id":"msg_msg_1_1","type":"message","status":"completed","role":"assistant",
                    "content":[{"type":"output_text","text":"Calling.","annotations":[]}]},
                   {"id":"fc_msg_1_2","type":"function_call","status":"completed","call_id":"toolu_1",
                    "name":"weather","arguments":"{\\"city\\":\\"Paris\\"}"}],
                 "usage":{"input_tokens":125,"input_tokens_details":{"cached_tokens":100},
                   "output_tokens":40,"output_tokens_details":{"reasoning_tokens":10},"total_tokens":165}}
                """));
  }

  /** The same bytes on the wire: field order included, numbers compared as written. */
  private static void assertWritten(JsonNode actual, JsonNode expected) {
    assertThat(Json.write(actual)).isEqualTo(Json.write(expected));
  }

  @Test
  void aResponseCutByTheTokenLimitIsIncomplete() {
    CanonicalAnswer cut =
        new CanonicalAnswer(
            "resp_2",
            "m",
            0,
            List.of(new Block.Text("par")),
            StopReason.maxTokens,
            null,
            TokenUsage.NONE);
    var body = new ResponsesDialect().renderAnswer(cut);

    assertThat(body.path("id").asText()).isEqualTo("resp_2");
    assertThat(body.path("status").asText()).isEqualTo("incomplete");
    assertThat(body.path("incomplete_details"))
        .isEqualTo(json("{\"reason\":\"max_output_tokens\"}"));
    byte[] stream = encode(new ResponsesStreamEncoder(0, new ResponsesDialect()), cut.events());
    assertThat(StreamGrammar.responses(stream, body)).isEmpty();
    assertThat(new String(stream, StandardCharsets.UTF_8)).contains("event: response.incomplete");
  }

  @Test
  void aStreamedResponseEmitsTheEventsCodexReadsInOrder() {
    byte[] stream =
        encode(new ResponsesStreamEncoder(1700000000, new ResponsesDialect()), ANSWER.events());
    List<String> types = new Sse.Reader().feed(stream).stream().map(Sse.Frame::event).toList();

    assertThat(types)
        .containsExactly(
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.reasoning_text.delta",
            "response.reasoning_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.output_item.added",
            "response.function_call_arguments.delta",
            "response.function_call_arguments.done",
            "response.output_item.done",
            "response.completed");
    assertThat(StreamGrammar.responses(stream, new ResponsesDialect().renderAnswer(ANSWER)))
        .isEmpty();
  }

  @Test
  void aStreamedMessageStartsWithUsageAndEndsWithOneMessageDelta() {
    byte[] stream = encode(new MessagesStreamEncoder(), ANSWER.events());
    List<Sse.Frame> frames = new Sse.Reader().feed(stream);

    assertThat(StreamGrammar.messages(stream)).isEmpty();
    assertThat(Json.readOrNull(frames.get(0).data()).path("message").path("usage"))
        .isEqualTo(
            json(
                "{\"input_tokens\":20,\"cache_creation_input_tokens\":5,\"cache_read_input_tokens\":100,\"output_tokens\":0}"));
    assertThat(Json.readOrNull(frames.get(frames.size() - 2).data()))
        .isEqualTo(
            json(
                """
                {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},
                 "usage":{"input_tokens":20,"cache_creation_input_tokens":5,
                   "cache_read_input_tokens":100,"output_tokens":40}}
                """));
  }

  @Test
  void aStreamErrorReachesEachDialectInItsOwnShape() {
    StreamEvent error = new StreamEvent.StreamError("overloaded_error", "Overloaded");

    assertThat(new String(new MessagesStreamEncoder().encode(error).get(0), StandardCharsets.UTF_8))
        .isEqualTo(
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");
    assertThat(
            new String(
                new ChatStreamEncoder(false, 0).encode(error).get(0), StandardCharsets.UTF_8))
        .startsWith("data: {\"error\":{\"message\":\"Overloaded\"");
    assertThat(
            StreamGrammar.messages(
                encode(
                    new MessagesStreamEncoder(),
                    List.of(new StreamEvent.MessageStart("m", "m", TokenUsage.NONE), error))))
        .isEmpty();
  }

  @Test
  void legacyCompletionsGetTheTextWholeAndStreamed() {
    CanonicalRequest request =
        InboundDialect.of(Dialect.completions)
            .parse(
                json(
                    "{\"model\":\"m\",\"prompt\":\"p\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
    assertWritten(
        InboundDialect.of(Dialect.completions).renderAnswer(ANSWER),
        json(
            """
            {"id":"msg_1","object":"text_completion","created":1700000000,"model":"claude",
             "choices":[{"text":"Calling.","index":0,"logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":125,"completion_tokens":40,"total_tokens":165,
               "prompt_tokens_details":{"cached_tokens":100},
               "completion_tokens_details":{"reasoning_tokens":10}}}
            """));

    byte[] stream =
        encode(
            InboundDialect.of(Dialect.completions).streamEncoder(request, 1700000000),
            ANSWER.events());
    List<String> data = new Sse.Reader().feed(stream).stream().map(Sse.Frame::data).toList();
    assertThat(data).hasSize(4);
    assertThat(Json.readOrNull(data.get(0)).path("choices").path(0).path("text").asText())
        .isEqualTo("Calling.");
    assertThat(Json.readOrNull(data.get(1)).path("choices").path(0).path("finish_reason").asText())
        .isEqualTo("tool_calls");
    assertThat(Json.readOrNull(data.get(2)).path("usage").path("prompt_tokens").asLong())
        .isEqualTo(125);
    assertThat(data.get(3)).isEqualTo("[DONE]");
  }
}
