package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;

/** Anthropic's content blocks, read from callers and written for callers and upstreams alike. */
final class AnthropicShapes {
  private AnthropicShapes() {}

  static List<Block> readContent(JsonNode content, String at) {
    List<Block> blocks = new ArrayList<>();
    if (content.isTextual()) {
      blocks.add(new Block.Text(content.textValue()));
      return blocks;
    }
    if (!content.isArray()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string or an array of content blocks");
    }
    for (int i = 0; i < content.size(); i++) {
      blocks.add(readBlock(content.get(i), at + "[" + i + "]"));
    }
    return blocks;
  }

  static Block readBlock(JsonNode node, String at) {
    ObjectNode block = Fields.object(node, at);
    String type = Fields.requiredString(block, "type", at + ".type");
    return switch (type) {
      case "text" ->
          new Block.Text(
              Fields.requiredString(block, "text", at + ".text"),
              Json.without(block, "type", "text"));
      case "image" -> {
        ObjectNode source = Fields.optionalObject(block, "source", at + ".source");
        if (source == null) {
          throw ApiError.invalid(at + ".source", "'" + at + ".source' is required");
        }
        String sourceType = Fields.requiredString(source, "type", at + ".source.type");
        yield switch (sourceType) {
          case "base64" ->
              Block.Image.inline(
                  Fields.requiredString(source, "media_type", at + ".source.media_type"),
                  Fields.requiredString(source, "data", at + ".source.data"));
          case "url" -> Block.Image.at(Fields.requiredString(source, "url", at + ".source.url"));
          default ->
              throw ApiError.invalid(
                  at + ".source.type", "'" + at + ".source.type' must be base64 or url");
        };
      }
      case "tool_use" -> {
        JsonNode input = block.get("input");
        if (input == null || !input.isObject()) {
          throw ApiError.invalid(at + ".input", "'" + at + ".input' must be an object");
        }
        yield new Block.ToolUse(
            Fields.requiredString(block, "id", at + ".id"),
            Fields.requiredString(block, "name", at + ".name"),
            input);
      }
      case "tool_result" -> {
        JsonNode content = block.get("content");
        List<Block> result =
            Fields.absent(content) ? List.of() : readContent(content, at + ".content");
        yield new Block.ToolResult(
            Fields.requiredString(block, "tool_use_id", at + ".tool_use_id"),
            result,
            Fields.optionalBoolean(block, "is_error", false));
      }
      case "thinking" ->
          new Block.Thinking(
              Fields.requiredString(block, "thinking", at + ".thinking"),
              Fields.optionalString(block, "signature", at + ".signature"));
      case "redacted_thinking" ->
          new Block.RedactedThinking(Fields.requiredString(block, "data", at + ".data"));
      default -> new Block.Unmapped(Dialect.messages, block);
    };
  }

  static ArrayNode content(List<Block> blocks) {
    ArrayNode array = Json.array();
    for (Block block : blocks) {
      array.add(block(block));
    }
    return array;
  }

  static ObjectNode block(Block block) {
    ObjectNode node = Json.object();
    if (block instanceof Block.Text t) {
      node.put("type", "text").put("text", t.text());
      node.setAll(t.extras());
    } else if (block instanceof Block.Image i) {
      ObjectNode source = node.put("type", "image").putObject("source");
      if (i.url() != null) {
        source.put("type", "url").put("url", i.url());
      } else {
        source.put("type", "base64").put("media_type", i.mediaType()).put("data", i.data());
      }
    } else if (block instanceof Block.ToolUse u) {
      node.put("type", "tool_use").put("id", u.id()).put("name", u.name());
      node.set("input", u.input());
    } else if (block instanceof Block.ToolResult r) {
      node.put("type", "tool_result").put("tool_use_id", r.toolUseId());
      boolean textOnly = r.content().stream().allMatch(b -> b instanceof Block.Text);
      if (textOnly) {
        node.put("content", r.text());
      } else {
        node.set("content", content(r.content()));
      }
      if (r.isError()) {
        node.put("is_error", true);
      }
    } else if (block instanceof Block.Thinking t) {
      node.put("type", "thinking").put("thinking", t.text());
      node.put("signature", t.signature() == null ? "" : t.signature());
    } else if (block instanceof Block.RedactedThinking r) {
      node.put("type", "redacted_thinking").put("data", r.data());
    } else if (block instanceof Block.Unmapped u) {
      if (u.dialect() != Dialect.messages) {
        throw unmapped(u);
      }
      node.setAll(u.raw());
    }
    return node;
  }

  /** A 400 for a block that the chosen upstream's dialect has no form for. */
  static ApiError unmapped(Block.Unmapped block) {
    boolean isBlock = block.raw().has("type");
    return ApiError.invalid(
        isBlock ? "messages" : "prompt",
        (isBlock
                ? "a '" + block.raw().path("type").asText() + "' block"
                : "a batch or token prompt")
            + " of the "
            + block.dialect()
            + " dialect cannot be sent to the model chosen, which speaks another dialect");
  }
}
