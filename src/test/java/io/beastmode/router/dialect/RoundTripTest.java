package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Agents send the answer back as history on the next turn: what a dialect wrote must read back as
 * the same blocks, or a tool loop loses its calls.
 */
class RoundTripTest {
  private static final List<Block> ANSWER_BLOCKS =
      List.of(
          new Block.Text("Checking both."),
          new Block.ToolUse("call_1", "weather", json("{\"city\":\"Paris\"}")),
          new Block.ToolUse("call_2", "time", json("{}")));
  private static final CanonicalAnswer ANSWER =
      new CanonicalAnswer("id1", "m", 1, ANSWER_BLOCKS, StopReason.toolUse, null, TokenUsage.NONE);

  @Test
  void aResponsesOutputFedBackAsInputReadsAsTheSameTurn() {
    ObjectNode request = json("{\"model\":\"m\"}");
    request.putArray("input").add(json("{\"role\":\"user\",\"content\":\"go\"}"));
    ((ArrayNode) request.get("input"))
        .addAll((ArrayNode) new ResponsesDialect().renderAnswer(ANSWER).get("output"));

    assertThat(new ResponsesDialect().parse(request).messages().get(1).content())
        .isEqualTo(ANSWER_BLOCKS);
  }

  @Test
  void encryptedReasoningGoesBackWhereItCameFromUnchanged() {
    CanonicalAnswer withReasoning =
        new CanonicalAnswer(
            "id2",
            "m",
            1,
            List.of(new Block.RedactedThinking("gAAAopaque"), new Block.Text("ok")),
            StopReason.endTurn,
            null,
            TokenUsage.NONE);
    ObjectNode request = json("{\"model\":\"m\"}");
    request
        .putArray("input")
        .addAll((ArrayNode) new ResponsesDialect().renderAnswer(withReasoning).get("output"));

    assertThat(new ResponsesDialect().parse(request).messages().get(0).content())
        .isEqualTo(withReasoning.content());
  }

  @Test
  void aMessagesAnswerFedBackReadsAsTheSameTurn() {
    ObjectNode request = json("{\"model\":\"m\",\"max_tokens\":5}");
    ObjectNode turn = request.putArray("messages").addObject().put("role", "assistant");
    turn.set("content", new MessagesDialect().renderAnswer(ANSWER).get("content"));

    assertThat(new MessagesDialect().parse(request).messages().get(0).content())
        .isEqualTo(ANSWER_BLOCKS);
  }

  @Test
  void aChatAnswerFedBackReadsAsTheSameTurn() {
    ObjectNode request = json("{\"model\":\"m\"}");
    request
        .putArray("messages")
        .add(new ChatDialect().renderAnswer(ANSWER).path("choices").path(0).path("message"));

    assertThat(new ChatDialect().parse(request).messages().get(0).content())
        .isEqualTo(ANSWER_BLOCKS);
  }

  @Test
  void sseFramesWithCarriageReturnsCommentsAndSplitDataLinesReadWhole() {
    byte[] stream =
        ": keep-alive\r\nevent: message_stop\r\ndata: {\"type\":\r\ndata: \"message_stop\"}\r\n\r\n"
            .getBytes(StandardCharsets.UTF_8);

    assertThat(new Sse.Reader().feed(stream))
        .containsExactly(new Sse.Frame("message_stop", "{\"type\":\n\"message_stop\"}"));
  }
}
