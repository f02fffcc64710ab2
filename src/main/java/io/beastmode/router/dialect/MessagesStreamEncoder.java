package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Anthropic's event stream. Canonical events already follow its grammar, so each maps to one frame;
 * {@code message_start} always carries a usage object, {@code message_delta} the final counts.
 */
final class MessagesStreamEncoder implements StreamEncoder {

  @Override
  public List<byte[]> encode(StreamEvent event) {
    if (event instanceof StreamEvent.MessageStart s) {
      ObjectNode frame = Json.object().put("type", "message_start");
      ObjectNode message = frame.putObject("message");
      message.put("id", s.id()).put("type", "message").put("role", "assistant");
      message.put("model", s.model());
      message.putArray("content");
      message.putNull("stop_reason").putNull("stop_sequence");
      message.set("usage", s.usage().toAnthropic());
      return List.of(Sse.event("message_start", frame));
    } else if (event instanceof StreamEvent.BlockStart s) {
      ObjectNode frame = Json.object().put("type", "content_block_start").put("index", s.index());
      frame.set("content_block", AnthropicShapes.block(s.block()));
      return List.of(Sse.event("content_block_start", frame));
    } else if (event instanceof StreamEvent.BlockDelta d) {
      ObjectNode frame = Json.object().put("type", "content_block_delta").put("index", d.index());
      ObjectNode delta = frame.putObject("delta");
      switch (d.kind()) {
        case text -> delta.put("type", "text_delta").put("text", d.value());
        case partialJson -> delta.put("type", "input_json_delta").put("partial_json", d.value());
        case thinking -> delta.put("type", "thinking_delta").put("thinking", d.value());
        case signature -> delta.put("type", "signature_delta").put("signature", d.value());
      }
      return List.of(Sse.event("content_block_delta", frame));
    } else if (event instanceof StreamEvent.BlockStop s) {
      return List.of(
          Sse.event(
              "content_block_stop",
              Json.object().put("type", "content_block_stop").put("index", s.index())));
    } else if (event instanceof StreamEvent.MessageDelta d) {
      ObjectNode frame = Json.object().put("type", "message_delta");
      frame
          .putObject("delta")
          .put("stop_reason", d.stopReason().toAnthropic())
          .put("stop_sequence", d.stopSequence());
      frame.set("usage", d.usage().toAnthropic());
      return List.of(Sse.event("message_delta", frame));
    } else if (event instanceof StreamEvent.MessageStop) {
      return List.of(Sse.event("message_stop", Json.object().put("type", "message_stop")));
    }
    StreamEvent.StreamError e = (StreamEvent.StreamError) event;
    return List.of(Sse.event("error", ErrorRenderer.anthropic(e.errorType(), e.message())));
  }
}
