package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Arguments for a tool call, made up from the tool's JSON schema: every property filled with a
 * value of its type (its default, const or first enum value when it has one), so the object
 * validates against the schema and a client can check what arrived.
 */
final class ToolArguments {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 8;

  private static final int PIECE_CHARACTERS = 8;

  private ToolArguments() {}

  /** Arguments cut into the pieces a stream sends them in, as providers send several. */
  static List<String> pieces(String arguments) {
    var pieces = new ArrayList<String>();
    for (int i = 0; i < arguments.length(); i += PIECE_CHARACTERS) {
      pieces.add(arguments.substring(i, Math.min(arguments.length(), i + PIECE_CHARACTERS)));
    }
    return pieces;
  }

  /** An object for {@code schema}; a schema that is not an object's gives {@code {}}. */
  static ObjectNode forSchema(JsonNode schema) {
    JsonNode value = value("value", schema, 0);
    return value instanceof ObjectNode object ? object : NODES.objectNode();
  }

  private static JsonNode value(String name, JsonNode schema, int depth) {
    for (String key : new String[] {"default", "const"}) {
      if (schema.has(key)) {
        return schema.get(key).deepCopy();
      }
    }
    if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
      return schema.path("enum").get(0).deepCopy();
    }
    for (String key : new String[] {"anyOf", "oneOf", "allOf"}) {
      for (JsonNode option : schema.path(key)) {
        if (!"null".equals(option.path("type").asText())) {
          return value(name, option, depth);
        }
      }
    }
    return switch (type(schema)) {
      case "object" -> object(schema, depth);
      case "array" -> {
        ArrayNode items = NODES.arrayNode();
        if (depth < MAX_DEPTH) {
          items.add(value(name, schema.path("items"), depth + 1));
        }
        yield items;
      }
      case "integer" -> NODES.numberNode(schema.path("minimum").asLong(1));
      case "number" -> NODES.numberNode(schema.path("minimum").asDouble(1.5));
      case "boolean" -> NODES.booleanNode(true);
      case "null" -> NODES.nullNode();
      default -> NODES.textNode(name + " 1");
    };
  }

  private static ObjectNode object(JsonNode schema, int depth) {
    ObjectNode object = NODES.objectNode();
    if (depth >= MAX_DEPTH) {
      return object;
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      object.set(property.getKey(), value(property.getKey(), property.getValue(), depth + 1));
    }
    return object;
  }

  /** The schema's type; the first that is not null of a list, object when it has properties. */
  private static String type(JsonNode schema) {
    JsonNode type = schema.path("type");
    if (type.isArray()) {
      for (JsonNode option : type) {
        if (!"null".equals(option.asText())) {
          return option.asText();
        }
      }
    }
    if (type.isTextual()) {
      return type.asText();
    }
    return schema.has("properties") ? "object" : "string";
  }
}
