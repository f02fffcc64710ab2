package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;

/** The pieces OpenAI's chat shape shares between reading callers and writing for upstreams. */
final class OpenAiShapes {
  /** The extra that holds a chat tool of a kind other than function, as the caller sent it. */
  static final String OPENAI_TOOL = "openai_tool";

  private OpenAiShapes() {}

  /** A schema for a function without parameters, which OpenAI allows to leave out. */
  static ObjectNode emptySchema() {
    ObjectNode schema = Json.object().put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  /**
   * Message content: a string or an array of parts. {@code images} says whether image parts are
   * allowed (user turns). Parts with no canonical form are kept as sent.
   */
  static List<Block> readContent(JsonNode content, String at, boolean images) {
    List<Block> blocks = new ArrayList<>();
    if (Fields.absent(content)) {
      return blocks;
    }
    if (content.isTextual()) {
      blocks.add(new Block.Text(content.textValue()));
      return blocks;
    }
    if (!content.isArray()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string or an array of content parts");
    }
    for (int p = 0; p < content.size(); p++) {
      String partAt = at + "[" + p + "]";
      ObjectNode part = Fields.object(content.get(p), partAt);
      String type = Fields.requiredString(part, "type", partAt + ".type");
      switch (type) {
        case "text" ->
            blocks.add(
                new Block.Text(
                    Fields.requiredString(part, "text", partAt + ".text"),
                    Json.without(part, "type", "text")));
        case "refusal" ->
            blocks.add(new Block.Text(Fields.requiredString(part, "refusal", partAt + ".refusal")));
        case "image_url" -> {
          if (!images) {
            throw ApiError.invalid(partAt + ".type", "'" + partAt + "' may only be text here");
          }
          JsonNode imageUrl = part.get("image_url");
          String url =
              imageUrl != null && imageUrl.isTextual()
                  ? imageUrl.textValue()
                  : Fields.requiredString(
                      Fields.object(imageUrl, partAt + ".image_url"),
                      "url",
                      partAt + ".image_url.url");
          blocks.add(Fields.image(url));
        }
        // input_audio, file and newer parts: kept as sent, for an OpenAI-compatible upstream.
        default -> blocks.add(new Block.Unmapped(Dialect.chat, part));
      }
    }
    return blocks;
  }

  static List<Tool> readTools(JsonNode toolsNode) {
    List<Tool> tools = new ArrayList<>();
    if (Fields.absent(toolsNode)) {
      return tools;
    }
    if (!toolsNode.isArray()) {
      throw ApiError.invalid("tools", "'tools' must be an array");
    }
    for (int i = 0; i < toolsNode.size(); i++) {
      String at = "tools[" + i + "]";
      ObjectNode tool = Fields.object(toolsNode.get(i), at);
      String type = Fields.requiredString(tool, "type", at + ".type");
      if (!type.equals("function")) {
        // A custom (free-form) tool and newer kinds: kept as sent, for OpenAI-compatible servers.
        JsonNode named = tool.path(type).path("name");
        tools.add(
            new Tool(
                named.isTextual() ? named.textValue() : type,
                null,
                emptySchema(),
                Json.object().set(OPENAI_TOOL, tool)));
        continue;
      }
      ObjectNode function = Fields.optionalObject(tool, "function", at + ".function");
      if (function == null) {
        throw ApiError.invalid(at + ".function", "'" + at + ".function' is required");
      }
      ObjectNode parameters =
          Fields.optionalObject(function, "parameters", at + ".function.parameters");
      tools.add(
          new Tool(
              Fields.requiredString(function, "name", at + ".function.name"),
              Fields.optionalString(function, "description", at + ".function.description"),
              parameters == null ? emptySchema() : parameters,
              Json.without(function, "name", "description", "parameters")));
    }
    return tools;
  }

  /** Chat's {@code tool_choice} and {@code parallel_tool_calls}. */
  static ToolChoice readToolChoice(ObjectNode body) {
    boolean parallel = Fields.optionalBoolean(body, "parallel_tool_calls", true);
    JsonNode choice = body.get("tool_choice");
    if (Fields.absent(choice)) {
      return ToolChoice.AUTO.withParallelAllowed(parallel);
    }
    if (choice.isTextual()) {
      return new ToolChoice(mode(choice.textValue()), null, parallel);
    }
    if (choice.isObject() && choice.path("function").path("name").isTextual()) {
      return new ToolChoice(
          ToolChoice.Mode.tool, choice.path("function").path("name").textValue(), parallel);
    }
    throw ApiError.invalid(
        "tool_choice",
        "'tool_choice' must be none, auto, required or {\"type\":\"function\",\"function\":{\"name\":...}}");
  }

  static ToolChoice.Mode mode(String word) {
    return switch (word) {
      case "auto" -> ToolChoice.Mode.auto;
      case "none" -> ToolChoice.Mode.none;
      case "required" -> ToolChoice.Mode.any;
      default ->
          throw ApiError.invalid("tool_choice", "'tool_choice' must be none, auto or required");
    };
  }

  static String word(ToolChoice.Mode mode) {
    return switch (mode) {
      case auto -> "auto";
      case none -> "none";
      case any -> "required";
      case tool -> throw new IllegalArgumentException("a named tool is an object");
    };
  }

  /** Chat's {@code response_format}, flattened to Responses' {@code text.format} shape. */
  static JsonNode readResponseFormat(ObjectNode body) {
    ObjectNode format = Fields.optionalObject(body, "response_format", "response_format");
    if (format == null || "text".equals(format.path("type").asText())) {
      return null;
    }
    ObjectNode flat = Json.without(format, "json_schema");
    if (format.get("json_schema") instanceof ObjectNode schema) {
      flat.setAll(schema);
    }
    return flat;
  }

  /** The flat format in chat's {@code response_format} shape. */
  static ObjectNode responseFormat(JsonNode flat) {
    ObjectNode format = Json.object().put("type", flat.path("type").asText());
    if (format.path("type").asText().equals("json_schema")) {
      format.set("json_schema", Json.without(flat, "type"));
    }
    return format;
  }

  /** {@code {id, type: function, function: {name, arguments: "<json>"}}}. */
  static ObjectNode toolCall(Block.ToolUse use) {
    ObjectNode call = Json.object().put("id", use.id()).put("type", "function");
    call.putObject("function").put("name", use.name()).put("arguments", Json.write(use.input()));
    return call;
  }

  /** Chat's tools array. */
  static ArrayNode tools(List<Tool> tools) {
    ArrayNode array = Json.array();
    for (Tool tool : tools) {
      if (tool.extras().has(OPENAI_TOOL)) {
        array.add(tool.extras().get(OPENAI_TOOL));
        continue;
      }
      ObjectNode function = array.addObject().put("type", "function").putObject("function");
      function.put("name", tool.name());
      if (tool.description() != null) {
        function.put("description", tool.description());
      }
      function.set("parameters", tool.inputSchema());
      if (tool.extras().has("strict")) {
        function.set("strict", tool.extras().get("strict"));
      }
    }
    return array;
  }
}
