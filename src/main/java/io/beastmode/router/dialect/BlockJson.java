package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Blocks to and from the router's own JSON: what the cache stores and hashes. */
final class BlockJson {
  private BlockJson() {}

  static ArrayNode write(List<Block> blocks, boolean withExtras) {
    ArrayNode array = Json.array();
    for (Block block : blocks) {
      array.add(write(block, withExtras));
    }
    return array;
  }

  static ObjectNode write(Block block, boolean withExtras) {
    ObjectNode node = Json.object();
    if (block instanceof Block.Text t) {
      node.put("type", "text").put("text", t.text());
      if (withExtras && !t.extras().isEmpty()) {
        node.set("extras", t.extras());
      }
    } else if (block instanceof Block.Image i) {
      node.put("type", "image");
      node.put("media_type", i.mediaType()).put("data", i.data()).put("url", i.url());
    } else if (block instanceof Block.ToolUse u) {
      node.put("type", "tool_use").put("id", u.id()).put("name", u.name());
      node.set("input", u.input());
    } else if (block instanceof Block.ToolResult r) {
      node.put("type", "tool_result").put("tool_use_id", r.toolUseId());
      node.set("content", write(r.content(), withExtras));
      node.put("is_error", r.isError());
    } else if (block instanceof Block.Thinking t) {
      node.put("type", "thinking").put("thinking", t.text()).put("signature", t.signature());
    } else if (block instanceof Block.RedactedThinking r) {
      node.put("type", "redacted_thinking").put("data", r.data());
    } else if (block instanceof Block.Unmapped u) {
      node.put("type", "unmapped").put("dialect", u.dialect().name()).set("raw", u.raw());
    }
    return node;
  }

  static List<Block> readAll(JsonNode array) {
    List<Block> blocks = new ArrayList<>();
    for (JsonNode node : array) {
      blocks.add(read(node));
    }
    return blocks;
  }

  static Block read(JsonNode node) {
    return switch (node.path("type").asText()) {
      case "text" ->
          new Block.Text(
              node.path("text").asText(),
              node.get("extras") instanceof ObjectNode extras ? extras : Json.object());
      case "image" ->
          new Block.Image(
              node.path("media_type").textValue(),
              node.path("data").textValue(),
              node.path("url").textValue());
      case "tool_use" ->
          new Block.ToolUse(
              node.path("id").asText(), node.path("name").asText(), node.path("input"));
      case "tool_result" ->
          new Block.ToolResult(
              node.path("tool_use_id").asText(),
              readAll(node.path("content")),
              node.path("is_error").asBoolean());
      case "thinking" ->
          new Block.Thinking(node.path("thinking").asText(), node.path("signature").textValue());
      case "redacted_thinking" -> new Block.RedactedThinking(node.path("data").asText());
      case "unmapped" ->
          new Block.Unmapped(
              Dialect.valueOf(node.path("dialect").asText()), (ObjectNode) node.path("raw"));
      default -> throw new IllegalArgumentException("unknown block type " + node.path("type"));
    };
  }
}
