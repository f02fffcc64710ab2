package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the complete answer from canonical stream events: what a streamed answer comes to, for the
 * cache, for metering and for Responses' closing event.
 */
public final class AnswerAssembler {
  private final List<Block> content = new ArrayList<>();
  private String id = "";
  private String model = "";
  private TokenUsage usage = TokenUsage.NONE;
  private StopReason stopReason;
  private String stopSequence;
  private boolean complete;
  private Block open;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder signature = new StringBuilder();

  public void accept(StreamEvent event) {
    if (event instanceof StreamEvent.MessageStart s) {
      id = s.id();
      model = s.model();
      usage = s.usage();
    } else if (event instanceof StreamEvent.BlockStart s) {
      open = s.block();
      text.setLength(0);
      signature.setLength(0);
      if (s.block() instanceof Block.Text t) {
        text.append(t.text());
      } else if (s.block() instanceof Block.Thinking t) {
        text.append(t.text());
      }
    } else if (event instanceof StreamEvent.BlockDelta d) {
      if (d.kind() == StreamEvent.BlockDelta.Kind.signature) {
        signature.append(d.value());
      } else {
        text.append(d.value());
      }
    } else if (event instanceof StreamEvent.BlockStop) {
      content.add(closed(open));
      open = null;
    } else if (event instanceof StreamEvent.MessageDelta d) {
      stopReason = d.stopReason();
      stopSequence = d.stopSequence();
      usage = d.usage();
    } else if (event instanceof StreamEvent.MessageStop) {
      complete = true;
    } else if (event instanceof StreamEvent.StreamError) {
      complete = false;
    }
  }

  public void acceptAll(List<StreamEvent> events) {
    events.forEach(this::accept);
  }

  private Block closed(Block started) {
    if (started instanceof Block.Text t) {
      return new Block.Text(text.toString(), t.extras());
    } else if (started instanceof Block.Thinking t) {
      return new Block.Thinking(
          text.toString(), signature.isEmpty() ? t.signature() : signature.toString());
    } else if (started instanceof Block.ToolUse u) {
      return new Block.ToolUse(u.id(), u.name(), arguments(text.toString()));
    }
    return started;
  }

  /** Tool arguments: the concatenated pieces; none at all is a call without arguments. */
  static JsonNode arguments(String json) {
    if (json.isBlank()) {
      return Json.object();
    }
    JsonNode parsed = Json.readOrNull(json);
    return parsed != null && parsed.isObject() ? parsed : Json.object();
  }

  /** True once MessageStop has arrived (and no error). */
  public boolean complete() {
    return complete;
  }

  public CanonicalAnswer answer(long created) {
    return new CanonicalAnswer(
        id,
        model,
        created,
        List.copyOf(content),
        stopReason == null ? StopReason.endTurn : stopReason,
        stopSequence,
        usage);
  }
}
