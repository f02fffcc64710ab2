package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Responses' typed events, each with a {@code sequence_number} one above the last. The closing
 * event carries the same body the non-streamed answer would have, built from the events seen.
 */
final class ResponsesStreamEncoder implements StreamEncoder {
  private final long created;
  private final ResponsesDialect dialect;
  private final AnswerAssembler answer = new AnswerAssembler();
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder signature = new StringBuilder();
  private long sequence;
  private String responseId = "";
  private String model = "";
  private Block open;

  ResponsesStreamEncoder(long created, ResponsesDialect dialect) {
    this.created = created;
    this.dialect = dialect;
  }

  @Override
  public List<byte[]> encode(StreamEvent event) {
    answer.accept(event);
    List<byte[]> frames = new ArrayList<>(3);
    if (event instanceof StreamEvent.MessageStart s) {
      responseId = ResponsesDialect.responseId(s.id());
      model = s.model();
      ObjectNode response = ResponsesDialect.head(responseId, created, model);
      frames.add(frame("response.created", Json.object().set("response", response)));
      frames.add(frame("response.in_progress", Json.object().set("response", response)));
    } else if (event instanceof StreamEvent.BlockStart s) {
      open = s.block();
      text.setLength(0);
      signature.setLength(0);
      frames.add(
          frame(
              "response.output_item.added",
              item(s.index())
                  .set("item", dialect.item(responseId, s.index(), s.block(), "in_progress"))));
      // SDKs that build the response from events append deltas to a part: announce it first.
      if (s.block() instanceof Block.Text) {
        frames.add(
            frame(
                "response.content_part.added",
                part(s.index()).set("part", ResponsesDialect.textPart(""))));
      } else if (s.block() instanceof Block.Thinking) {
        frames.add(
            frame(
                "response.content_part.added",
                part(s.index()).set("part", ResponsesDialect.reasoningPart(""))));
      }
    } else if (event instanceof StreamEvent.BlockDelta d) {
      if (d.kind() == StreamEvent.BlockDelta.Kind.signature) {
        // No event of its own: it goes in the reasoning item's encrypted_content when asked.
        signature.append(d.value());
        return frames;
      }
      text.append(d.value());
      if (dialect.custom(open)) {
        return frames; // a custom tool's input is sent whole when its call closes
      }
      String type =
          switch (d.kind()) {
            case text -> "response.output_text.delta";
            case thinking -> "response.reasoning_text.delta";
            default -> "response.function_call_arguments.delta";
          };
      ObjectNode delta =
          d.kind() == StreamEvent.BlockDelta.Kind.partialJson ? item(d.index()) : part(d.index());
      delta.put("delta", d.value());
      if (d.kind() == StreamEvent.BlockDelta.Kind.text) {
        delta.putArray("logprobs");
      }
      frames.add(frame(type, delta));
    } else if (event instanceof StreamEvent.BlockStop s) {
      frames.addAll(close(s.index()));
    } else if (event instanceof StreamEvent.MessageStop) {
      ObjectNode response = dialect.renderAnswer(answer.answer(created));
      String type =
          response.path("status").asText().equals("completed")
              ? "response.completed"
              : "response.incomplete";
      frames.add(frame(type, Json.object().set("response", response)));
    } else if (event instanceof StreamEvent.StreamError e) {
      ObjectNode error = Json.object().put("code", e.errorType()).put("message", e.message());
      error.putNull("param");
      frames.add(frame("error", error));
    }
    return frames;
  }

  /** The closing events of a block: its text or arguments whole, then the item whole. */
  private List<byte[]> close(int index) {
    List<byte[]> frames = new ArrayList<>(3);
    String whole = text.toString();
    Block done = open;
    if (open instanceof Block.Text t) {
      done = new Block.Text(whole, t.extras());
      ObjectNode textDone = part(index).put("text", whole);
      textDone.putArray("logprobs");
      frames.add(frame("response.output_text.done", textDone));
      frames.add(
          frame(
              "response.content_part.done",
              part(index).set("part", ResponsesDialect.textPart(whole))));
    } else if (open instanceof Block.Thinking t) {
      done = new Block.Thinking(whole, signature.isEmpty() ? t.signature() : signature.toString());
      frames.add(frame("response.reasoning_text.done", part(index).put("text", whole)));
      frames.add(
          frame(
              "response.content_part.done",
              part(index).set("part", ResponsesDialect.reasoningPart(whole))));
    } else if (open instanceof Block.ToolUse u && dialect.custom(open)) {
      JsonNode arguments = AnswerAssembler.arguments(whole);
      done = new Block.ToolUse(u.id(), u.name(), arguments);
      String input = arguments.path("input").asText();
      frames.add(frame("response.custom_tool_call_input.delta", item(index).put("delta", input)));
      frames.add(frame("response.custom_tool_call_input.done", item(index).put("input", input)));
    } else if (open instanceof Block.ToolUse u) {
      done = new Block.ToolUse(u.id(), u.name(), AnswerAssembler.arguments(whole));
      ObjectNode args = item(index).put("arguments", whole);
      frames.add(frame("response.function_call_arguments.done", args));
    }
    frames.add(
        frame(
            "response.output_item.done",
            item(index).set("item", dialect.item(responseId, index, done, "completed"))));
    open = null;
    return frames;
  }

  private ObjectNode item(int index) {
    ObjectNode event = Json.object().put("output_index", index);
    String prefix =
        dialect.custom(open)
            ? "ctc"
            : open instanceof Block.ToolUse ? "fc" : open instanceof Block.Text ? "msg" : "rs";
    event.put("item_id", ResponsesDialect.itemId(prefix, responseId, index));
    return event;
  }

  private ObjectNode part(int index) {
    return item(index).put("content_index", 0);
  }

  private byte[] frame(String type, ObjectNode event) {
    ObjectNode framed = Json.object().put("type", type).put("sequence_number", sequence++);
    framed.setAll(event);
    return Sse.event(type, framed);
  }
}
