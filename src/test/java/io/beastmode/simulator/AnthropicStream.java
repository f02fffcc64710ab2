package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.SimulatorClient.SseEvent;
import java.util.List;

/**
 * Checks an Anthropic Messages stream against the grammar clients rely on and puts the message back
 * together: message_start first with input tokens above zero, blocks one at a time with indices
 * from 0, each delta of its block's kind, one message_delta after the last block, then
 * message_stop; ping anywhere.
 */
final class AnthropicStream {
  private AnthropicStream() {}

  /** The message the stream adds up to: content, stop_reason and message_delta's usage. */
  static ObjectNode assemble(List<SseEvent> events) {
    assertThat(events).isNotEmpty();
    assertThat(events.get(0).name()).isEqualTo("message_start");
    JsonNode start = events.get(0).data().get("message");
    assertThat(start.get("content").isEmpty()).isTrue();
    assertThat(start.get("usage").get("input_tokens").asInt()).isPositive();
    assertThat(events.get(events.size() - 1).name()).isEqualTo("message_stop");
    ObjectNode message = start.deepCopy();
    ArrayNode content = message.putArray("content");
    ObjectNode open = null;
    var json = new StringBuilder();
    int deltas = 0;
    for (SseEvent event : events.subList(1, events.size() - 1)) {
      JsonNode data = event.data();
      assertThat(data.get("type").asText())
          .as("data type of " + event.name())
          .isEqualTo(event.name());
      switch (event.name()) {
        case "ping" -> {}
        case "content_block_start" -> {
          assertThat(open).as("a block starts while another is open").isNull();
          assertThat(deltas).as("a block after message_delta").isZero();
          assertThat(data.get("index").asInt()).isEqualTo(content.size());
          open = data.get("content_block").deepCopy();
          json.setLength(0);
        }
        case "content_block_delta" -> {
          assertThat(open).as("a delta outside a block").isNotNull();
          assertThat(data.get("index").asInt()).isEqualTo(content.size());
          JsonNode delta = data.get("delta");
          switch (delta.get("type").asText()) {
            case "text_delta" -> {
              assertThat(open.get("type").asText()).isEqualTo("text");
              open.put("text", open.get("text").asText() + delta.get("text").asText());
            }
            case "input_json_delta" -> {
              assertThat(open.get("type").asText()).isEqualTo("tool_use");
              json.append(delta.get("partial_json").asText());
            }
            case "thinking_delta" -> {
              assertThat(open.get("type").asText()).isEqualTo("thinking");
              open.put("thinking", open.get("thinking").asText() + delta.get("thinking").asText());
            }
            case "signature_delta" -> {
              assertThat(open.get("type").asText()).isEqualTo("thinking");
              open.put("signature", delta.get("signature").asText());
            }
            default -> throw new AssertionError("unknown delta " + delta);
          }
        }
        case "content_block_stop" -> {
          assertThat(open).as("a stop outside a block").isNotNull();
          assertThat(data.get("index").asInt()).isEqualTo(content.size());
          if (open.get("type").asText().equals("tool_use") && !json.isEmpty()) {
            open.set("input", SimulatorClient.parse(json.toString()));
          }
          content.add(open);
          open = null;
        }
        case "message_delta" -> {
          assertThat(open).as("message_delta inside a block").isNull();
          deltas++;
          message.set("stop_reason", data.get("delta").get("stop_reason"));
          message.set("stop_sequence", data.get("delta").get("stop_sequence"));
          message.set("usage", data.get("usage"));
        }
        default -> throw new AssertionError("unknown event " + event.name());
      }
    }
    assertThat(deltas).as("message_delta events").isEqualTo(1);
    return message;
  }
}
