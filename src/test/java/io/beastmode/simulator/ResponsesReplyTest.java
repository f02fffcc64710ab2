package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.namedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.SimulatorClient.SseEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Responses mode's shaping of answers, without a server. */
class ResponsesReplyTest {
  static final String REQUEST =
      """
      {"model": "m", "reasoning": {"effort": "high"}, "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "Call it."}]}],
       "tools": [{"type": "function", "name": "f", "parameters": {"type": "object",
         "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}}]}
      """;

  static ResponsesReply answer(String request, String fields) throws Exception {
    return ResponsesReply.answer(
        CompletionRequest.parse(Endpoint.RESPONSES, JSON.readTree(request)),
        SimulatorConfigTest.model(fields));
  }

  static List<SseEvent> stream(ResponsesReply reply) {
    Buffer all = Buffer.buffer();
    reply.contentEvents().forEach(all::appendBuffer);
    return namedEvents(all.appendBuffer(reply.closingEvents()).toString());
  }

  @Test
  void theStreamAddsUpToTheBodyWithReasoningTextAndAFunctionCall() throws Exception {
    ResponsesReply reply =
        answer(
            REQUEST, "answer: Calling f now., toolCalls: 1, toolCallText: before, thinking: Hm.");

    var completed = ResponsesTest.checkStream(stream(reply));

    assertThat(completed.get("output")).isEqualTo(reply.body().get("output"));
    assertThat(completed.get("output"))
        .extracting(item -> item.get("type").asText())
        .containsExactly("reasoning", "message", "function_call");
    assertThat(completed.get("output").get(2).get("arguments").asText())
        .isEqualTo("{\"a\":\"a 1\",\"b\":1}");
  }

  @Test
  void aCutAnswerEndsWithResponseIncomplete() throws Exception {
    ResponsesReply reply =
        answer(
            REQUEST.replace("\"model\": \"m\",", "\"model\": \"m\", \"max_output_tokens\": 1,"),
            "answer: one two three");

    List<SseEvent> events = stream(reply);

    assertThat(events.get(events.size() - 1).name()).isEqualTo("response.incomplete");
    assertThat(reply.body().get("status").asText()).isEqualTo("incomplete");
  }
}
