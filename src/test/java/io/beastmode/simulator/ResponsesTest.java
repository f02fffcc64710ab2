package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.json;
import static io.beastmode.simulator.SimulatorClient.namedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.SimulatorClient.SseEvent;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's Responses API, served by models that list it in alsoServes, over real HTTP. */
class ResponsesTest extends SimulatorHarness {
  static final String CONFIG =
      """
      models:
        - name: vllm-agent
          answer: It is sunny.
          alsoServes: [responses]
          toolCalls: 2
          parallelToolCalls: true
          thinking: I check the weather.
          cacheReadShare: 0.5
        - name: chat-only
      """;
  static final String TOOLS =
      """
      [{"type": "function", "name": "get_weather", "parameters": {"type": "object",
         "required": ["city"], "properties": {"city": {"type": "string"}}}},
       {"type": "function", "name": "get_time", "parameters": {"type": "object",
         "properties": {"timezone": {"type": "string"}}}}]
      """;

  @Override
  String config() {
    return CONFIG;
  }

  static String ask(String extra) {
    return """
        {"model": "vllm-agent", "instructions": "Be brief.", %s "input": "Weather in Paris?"}
        """
        .formatted(extra.isEmpty() ? "" : extra + ",");
  }

  @Test
  void aResponseHasTheResponsesShapeAndUsage() throws Exception {
    var answered = client.post("/v1/responses", ask(""));

    assertThat(answered.statusCode()).isEqualTo(200);
    JsonNode response = json(answered);
    assertThat(response.get("id").asText()).startsWith("resp_");
    assertThat(response.get("object").asText()).isEqualTo("response");
    assertThat(response.get("status").asText()).isEqualTo("completed");
    JsonNode message = response.get("output").get(0);
    assertThat(message.get("type").asText()).isEqualTo("message");
    assertThat(message.get("role").asText()).isEqualTo("assistant");
    assertThat(message.get("content").get(0).get("type").asText()).isEqualTo("output_text");
    assertThat(message.get("content").get(0).get("text").asText()).isEqualTo("It is sunny.");
    JsonNode usage = response.get("usage");
    // 9 + 17 characters: 7 input tokens, 4 of them cached; 3 words out.
    assertThat(usage.get("input_tokens").asInt()).isEqualTo(7);
    assertThat(usage.get("input_tokens_details").get("cached_tokens").asInt()).isEqualTo(4);
    assertThat(usage.get("output_tokens").asInt()).isEqualTo(3);
    assertThat(usage.get("total_tokens").asInt()).isEqualTo(10);
  }

  @Test
  void theStreamNumbersItsEventsAndEndsWithTheResponse() throws Exception {
    String request = ask("\"stream\": true, \"reasoning\": {\"effort\": \"low\"}");

    List<SseEvent> events = namedEvents(client.post("/v1/responses", request).body());

    JsonNode completed = checkStream(events);
    assertThat(completed.get("output"))
        .extracting(item -> item.get("type").asText())
        .containsExactly("reasoning", "message");
    assertThat(completed.get("output").get(0).get("content").get(0).get("text").asText())
        .isEqualTo("I check the weather.");
    assertThat(completed.get("output").get(1).get("content").get(0).get("text").asText())
        .isEqualTo("It is sunny.");
    assertThat(completed.get("usage").get("output_tokens_details").get("reasoning_tokens").asInt())
        .isEqualTo(4);
  }

  @Test
  void functionCallsThenTheAnswerOnceTheirOutputsArrive() throws Exception {
    String first = ask("\"tools\": " + TOOLS);
    List<SseEvent> events =
        namedEvents(
            client.post("/v1/responses", first.replaceFirst("\\{", "{\"stream\": true, ")).body());
    JsonNode streamed = checkStream(events);
    assertThat(streamed.get("output"))
        .extracting(item -> item.get("type").asText())
        .containsExactly("function_call", "function_call");

    JsonNode calling = json(client.post("/v1/responses", first));
    JsonNode calls = calling.get("output");
    assertThat(calls.get(0).get("name").asText()).isEqualTo("get_weather");
    assertThat(JSON.readTree(calls.get(0).get("arguments").asText()).get("city").isTextual())
        .isTrue();
    ObjectNode next = (ObjectNode) JSON.readTree(first);
    ArrayNode input = next.putArray("input");
    input.addObject().put("role", "user").put("content", "Weather in Paris?");
    for (JsonNode call : calls) {
      input.add(call);
      input
          .addObject()
          .put("type", "function_call_output")
          .put("call_id", call.get("call_id").asText())
          .put("output", "22 degrees");
    }
    JsonNode answer = json(client.post("/v1/responses", next.toString()));

    assertThat(answer.get("output").get(0).get("type").asText()).isEqualTo("message");
    assertThat(answer.get("output").get(0).get("content").get(0).get("text").asText())
        .isEqualTo("It is sunny.");
  }

  @Test
  void refusesWhatAStatelessServerCannotAnswer() throws Exception {
    var previous = client.post("/v1/responses", ask("\"previous_response_id\": \"resp_1\""));
    var orphan =
        client.post(
            "/v1/responses",
            """
            {"model": "vllm-agent", "input": [{"role": "user", "content": "hi"},
              {"type": "function_call_output", "call_id": "call_x", "output": "1"}]}
            """);
    var chatOnly = client.post("/v1/responses", ask("").replace("vllm-agent", "chat-only"));

    assertThat(previous.statusCode()).isEqualTo(400);
    assertThat(json(previous).get("error").get("param").asText()).isEqualTo("previous_response_id");
    assertThat(orphan.statusCode()).isEqualTo(400);
    assertThat(json(orphan).get("error").get("message").asText()).contains("call_x");
    assertThat(chatOnly.statusCode()).isEqualTo(404);
  }

  @Test
  void maxOutputTokensMakesTheResponseIncomplete() throws Exception {
    JsonNode response = json(client.post("/v1/responses", ask("\"max_output_tokens\": 2")));

    assertThat(response.get("status").asText()).isEqualTo("incomplete");
    assertThat(response.get("incomplete_details").get("reason").asText())
        .isEqualTo("max_output_tokens");
    assertThat(response.get("output").get(0).get("content").get(0).get("text").asText())
        .isEqualTo("It is");
  }

  /**
   * Checks a Responses stream: sequence numbers 0, 1, 2, ...; each done equals its deltas; items
   * added and done in order; response.completed last, its output the items done. Returns it.
   */
  static JsonNode checkStream(List<SseEvent> events) {
    var deltas = new HashMap<String, StringBuilder>();
    var done = JSON.createArrayNode();
    for (int i = 0; i < events.size(); i++) {
      JsonNode data = events.get(i).data();
      assertThat(data.get("type").asText()).isEqualTo(events.get(i).name());
      assertThat(data.get("sequence_number").asInt()).isEqualTo(i);
      String type = data.get("type").asText();
      if (type.endsWith(".delta")) {
        deltas
            .computeIfAbsent(data.get("item_id").asText(), id -> new StringBuilder())
            .append(data.get("delta").asText());
      } else if (type.equals("response.output_text.done")
          || type.equals("response.reasoning_text.done")) {
        assertThat(data.get("text").asText())
            .isEqualTo(
                deltas.getOrDefault(data.get("item_id").asText(), new StringBuilder()).toString());
      } else if (type.equals("response.function_call_arguments.done")) {
        assertThat(data.get("arguments").asText())
            .isEqualTo(deltas.get(data.get("item_id").asText()).toString());
      } else if (type.equals("response.output_item.done")) {
        assertThat(data.get("output_index").asInt()).isEqualTo(done.size());
        done.add(data.get("item"));
      }
    }
    assertThat(events.get(0).name()).isEqualTo("response.created");
    SseEvent last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("response.completed");
    JsonNode response = last.data().get("response");
    assertThat(response.get("output")).isEqualTo(done);
    return response;
  }
}
