package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.dialect.StreamEvent.BlockDelta.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Anthropic's event stream as canonical events. The grammar is the same; what changes: blocks
 * without a canonical form are skipped and the rest renumbered from 0, and the usage of {@code
 * message_delta} is merged into what {@code message_start} said, so input tokens it leaves out are
 * kept rather than read as 0.
 */
final class AnthropicStreamDecoder implements StreamDecoder {
  private final Sse.Reader reader = new Sse.Reader();
  private final Map<Integer, Integer> indexOfUpstream = new HashMap<>();
  private int nextIndex;
  private TokenUsage usage = TokenUsage.NONE;
  private boolean ended;

  @Override
  public List<StreamEvent> feed(byte[] chunk, int offset, int length) {
    List<StreamEvent> events = new ArrayList<>();
    for (Sse.Frame frame : reader.feed(chunk, offset, length)) {
      frame(frame, events);
    }
    return events;
  }

  @Override
  public List<StreamEvent> finish() {
    List<StreamEvent> events = new ArrayList<>();
    for (Sse.Frame frame : reader.finish()) {
      frame(frame, events);
    }
    if (!ended) {
      ended = true;
      events.add(
          new StreamEvent.StreamError(
              "api_error", "the upstream's stream ended before the answer was complete"));
    }
    return events;
  }

  private void frame(Sse.Frame frame, List<StreamEvent> events) {
    JsonNode data = Json.readOrNull(frame.data());
    if (ended || data == null) {
      return;
    }
    String type = data.path("type").asText(frame.event() == null ? "" : frame.event());
    switch (type) {
      case "message_start" -> {
        JsonNode message = data.path("message");
        usage = TokenUsage.fromAnthropic(message.path("usage"));
        events.add(
            new StreamEvent.MessageStart(
                message.path("id").asText(), message.path("model").asText(), usage));
      }
      case "content_block_start" -> blockStart(data, events);
      case "content_block_delta" -> {
        Integer index = indexOfUpstream.get(data.path("index").asInt());
        if (index == null) {
          return;
        }
        JsonNode delta = data.path("delta");
        switch (delta.path("type").asText()) {
          case "text_delta" ->
              events.add(new StreamEvent.BlockDelta(index, Kind.text, delta.path("text").asText()));
          case "input_json_delta" ->
              events.add(
                  new StreamEvent.BlockDelta(
                      index, Kind.partialJson, delta.path("partial_json").asText()));
          case "thinking_delta" ->
              events.add(
                  new StreamEvent.BlockDelta(
                      index, Kind.thinking, delta.path("thinking").asText()));
          case "signature_delta" ->
              events.add(
                  new StreamEvent.BlockDelta(
                      index, Kind.signature, delta.path("signature").asText()));
          default -> {}
        }
      }
      case "content_block_stop" -> {
        Integer index = indexOfUpstream.remove(data.path("index").asInt());
        if (index != null) {
          events.add(new StreamEvent.BlockStop(index));
        }
      }
      case "message_delta" -> {
        usage = usage.updatedByAnthropic(data.path("usage"));
        events.add(
            new StreamEvent.MessageDelta(
                StopReason.fromAnthropic(data.path("delta").path("stop_reason").textValue()),
                data.path("delta").path("stop_sequence").textValue(),
                usage));
      }
      case "message_stop" -> {
        ended = true;
        events.add(new StreamEvent.MessageStop());
      }
      case "error" -> {
        ended = true;
        JsonNode error = data.path("error");
        events.add(
            new StreamEvent.StreamError(
                error.path("type").asText("api_error"), error.path("message").asText()));
      }
      default -> {} // ping, and events newer than this reader
    }
  }

  private void blockStart(JsonNode data, List<StreamEvent> events) {
    JsonNode started = data.path("content_block");
    Block block = AnthropicUpstream.answerBlock(started);
    if (block == null) {
      return;
    }
    int index = nextIndex++;
    indexOfUpstream.put(data.path("index").asInt(), index);
    if (block instanceof Block.Text t) {
      events.add(new StreamEvent.BlockStart(index, new Block.Text("", t.extras())));
      if (!t.text().isEmpty()) {
        events.add(new StreamEvent.BlockDelta(index, Kind.text, t.text()));
      }
    } else if (block instanceof Block.ToolUse u) {
      events.add(
          new StreamEvent.BlockStart(index, new Block.ToolUse(u.id(), u.name(), Json.object())));
      // Some servers send the whole input at the start instead of in pieces.
      if (!u.input().isEmpty()) {
        events.add(new StreamEvent.BlockDelta(index, Kind.partialJson, Json.write(u.input())));
      }
    } else if (block instanceof Block.Thinking t) {
      events.add(new StreamEvent.BlockStart(index, new Block.Thinking("", null)));
      if (!t.text().isEmpty()) {
        events.add(new StreamEvent.BlockDelta(index, Kind.thinking, t.text()));
      }
      if (t.signature() != null && !t.signature().isEmpty()) {
        events.add(new StreamEvent.BlockDelta(index, Kind.signature, t.signature()));
      }
    } else {
      events.add(new StreamEvent.BlockStart(index, block));
    }
  }
}
