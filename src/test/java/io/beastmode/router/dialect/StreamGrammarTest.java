package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static io.beastmode.router.dialect.DialectFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The checker finds each break that other gateways' streams have shown. */
class StreamGrammarTest {
  private static final String START =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\n";
  private static final String END =
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}\n\n"
          + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

  private static String start(int index, String type) {
    return "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":"
        + index
        + ",\"content_block\":{\"type\":\""
        + type
        + "\"}}\n\n";
  }

  private static String text(int index) {
    return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":"
        + index
        + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}\n\n";
  }

  private static String stop(int index) {
    return "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":"
        + index
        + "}\n\n";
  }

  @Test
  void aWellFormedMessagesStreamPasses() {
    assertThat(StreamGrammar.messages(sse(START + start(0, "text") + text(0) + stop(0) + END)))
        .isEmpty();
  }

  @Test
  void messagesBreaksAreFound() {
    assertThat(StreamGrammar.messages(sse(START + text(0) + END)))
        .anyMatch(v -> v.contains("not open"));
    assertThat(
            StreamGrammar.messages(
                sse(START + start(0, "tool_use") + start(1, "text") + stop(1) + stop(0) + END)))
        .anyMatch(v -> v.contains("opened while block 0 is open"));
    assertThat(StreamGrammar.messages(sse(START + start(1, "text") + stop(1) + END)))
        .anyMatch(v -> v.contains("where 0 was next"));
    assertThat(StreamGrammar.messages(sse(START + start(0, "tool_use") + text(0) + stop(0) + END)))
        .anyMatch(v -> v.contains("text_delta in a tool_use block"));
    assertThat(
            StreamGrammar.messages(
                sse(START + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")))
        .anyMatch(v -> v.contains("0 message_delta"));
    assertThat(
            StreamGrammar.messages(
                sse(
                    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"
                        + END)))
        .anyMatch(v -> v.contains("no usage"));
  }

  @Test
  void responsesBreaksAreFound() {
    String created =
        "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\n\n";
    String repeated =
        "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":0}\n\n";
    assertThat(StreamGrammar.responses(sse(created + repeated), null))
        .anyMatch(v -> v.contains("sequence_number 0 after 0"));

    String mismatch =
        created
            + "data: {\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item_id\":\"m\"}\n\n"
            + "data: {\"type\":\"response.output_text.delta\",\"sequence_number\":2,\"output_index\":0,\"item_id\":\"m\",\"content_index\":0,\"delta\":\"ab\"}\n\n"
            + "data: {\"type\":\"response.output_text.done\",\"sequence_number\":3,\"output_index\":0,\"item_id\":\"m\",\"content_index\":0,\"text\":\"abc\"}\n\n"
            + "data: {\"type\":\"response.output_item.done\",\"sequence_number\":4,\"output_index\":0}\n\n"
            + "data: {\"type\":\"response.completed\",\"sequence_number\":5,\"response\":{\"id\":\"r\"}}\n\n";
    assertThat(StreamGrammar.responses(sse(mismatch), json("{\"id\":\"other\"}")))
        .anyMatch(v -> v.contains("deltas 'ab'"))
        .anyMatch(v -> v.contains("not the non-streamed"));
  }

  @Test
  void chatBreaksAreFound() {
    String stream =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":\"}}]}}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n";
    ObjectNode expected =
        json(
            "{\"choices\":[{\"message\":{\"content\":null,\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"x\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}]}");

    assertThat(StreamGrammar.chat(sse(stream), expected))
        .anyMatch(v -> v.contains("finish_reason [stop]"))
        .anyMatch(v -> v.contains("arguments {\"x\":"));
    assertThat(StreamGrammar.chat(sse(stream.replace("data: [DONE]\n\n", "")), expected))
        .anyMatch(v -> v.contains("without [DONE]"));
  }
}
