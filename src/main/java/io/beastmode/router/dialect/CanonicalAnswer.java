package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete answer, whatever dialect the upstream spoke and the caller speaks.
 *
 * @param created epoch seconds when the answer was made (chat's {@code created}), 0 when the
 *     upstream did not say (Anthropic); see {@link #withCreated}
 * @param stopSequence the stop sequence that ended the answer, when the upstream names it
 */
public record CanonicalAnswer(
    String id,
    String model,
    long created,
    List<Block> content,
    StopReason stopReason,
    String stopSequence,
    TokenUsage usage) {

  /** This answer made at {@code created} (epoch seconds): Anthropic's answers do not say when. */
  public CanonicalAnswer withCreated(long created) {
    return new CanonicalAnswer(id, model, created, content, stopReason, stopSequence, usage);
  }

  /** The answer's text blocks, joined: what two answers are compared on. */
  public String text() {
    StringBuilder text = new StringBuilder();
    for (Block block : content) {
      if (block instanceof Block.Text t) {
        text.append(t.text());
      }
    }
    return text.toString();
  }

  /** The stored form, for the cache: every block and the usage as the upstream reported it. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("id", id).put("model", model).put("created", created);
    node.set("content", BlockJson.write(content, true));
    node.put("stopReason", stopReason.name()).put("stopSequence", stopSequence);
    ObjectNode tokens = node.putObject("usage");
    tokens.put("uncachedInput", usage.uncachedInput());
    tokens.put("cacheRead", usage.cacheRead());
    tokens.put("cacheWrite", usage.cacheWrite());
    tokens.put("output", usage.output());
    tokens.put("reasoning", usage.reasoning());
    tokens.put("estimated", usage.estimated());
    return node;
  }

  public static CanonicalAnswer fromJson(JsonNode node) {
    JsonNode tokens = node.path("usage");
    return new CanonicalAnswer(
        node.path("id").asText(),
        node.path("model").asText(),
        node.path("created").asLong(),
        BlockJson.readAll(node.path("content")),
        StopReason.valueOf(node.path("stopReason").asText()),
        node.path("stopSequence").textValue(),
        new TokenUsage(
            tokens.path("uncachedInput").asLong(),
            tokens.path("cacheRead").asLong(),
            tokens.path("cacheWrite").asLong(),
            tokens.path("output").asLong(),
            tokens.path("reasoning").asLong(),
            tokens.path("estimated").asBoolean()));
  }

  /**
   * The answer replayed as a stream, each block whole in one delta: how a cached answer reaches a
   * caller who asked for a stream.
   */
  public List<StreamEvent> events() {
    List<StreamEvent> events = new ArrayList<>();
    events.add(new StreamEvent.MessageStart(id, model, usage.withOutput(0)));
    for (int i = 0; i < content.size(); i++) {
      Block block = content.get(i);
      if (block instanceof Block.Text t) {
        events.add(new StreamEvent.BlockStart(i, new Block.Text("", t.extras())));
        if (!t.text().isEmpty()) {
          events.add(new StreamEvent.BlockDelta(i, StreamEvent.BlockDelta.Kind.text, t.text()));
        }
      } else if (block instanceof Block.ToolUse u) {
        events.add(
            new StreamEvent.BlockStart(i, new Block.ToolUse(u.id(), u.name(), Json.object())));
        events.add(
            new StreamEvent.BlockDelta(
                i, StreamEvent.BlockDelta.Kind.partialJson, Json.write(u.input())));
      } else if (block instanceof Block.Thinking t) {
        events.add(new StreamEvent.BlockStart(i, new Block.Thinking("", null)));
        if (!t.text().isEmpty()) {
          events.add(new StreamEvent.BlockDelta(i, StreamEvent.BlockDelta.Kind.thinking, t.text()));
        }
        if (t.signature() != null) {
          events.add(
              new StreamEvent.BlockDelta(i, StreamEvent.BlockDelta.Kind.signature, t.signature()));
        }
      } else {
        events.add(new StreamEvent.BlockStart(i, block));
      }
      events.add(new StreamEvent.BlockStop(i));
    }
    events.add(new StreamEvent.MessageDelta(stopReason, stopSequence, usage));
    events.add(new StreamEvent.MessageStop());
    return events;
  }
}
