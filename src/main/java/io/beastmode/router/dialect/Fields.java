package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the fields of a request body the way the APIs check them: a wrong type or range is a 400
 * that names the field. {@code at} is the field's path ({@code messages[2].content}).
 */
final class Fields {
  private Fields() {}

  static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  static String requiredString(JsonNode parent, String field, String at) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      throw ApiError.invalid(at, "'" + at + "' is required");
    }
    if (!node.isTextual()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string");
    }
    return node.textValue();
  }

  static String optionalString(JsonNode parent, String field, String at) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string");
    }
    return node.textValue();
  }

  static boolean optionalBoolean(JsonNode parent, String field, boolean otherwise) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return otherwise;
    }
    if (!node.isBoolean()) {
      throw ApiError.invalid(field, "'" + field + "' must be a boolean");
    }
    return node.booleanValue();
  }

  static Double optionalNumber(JsonNode parent, String field, double min, double max) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return null;
    }
    if (!node.isNumber()) {
      throw ApiError.invalid(field, "'" + field + "' must be a number");
    }
    double value = node.doubleValue();
    if (value < min || value > max) {
      throw ApiError.invalid(
          field, "'" + field + "' must be between " + num(min) + " and " + num(max));
    }
    return value;
  }

  static Integer optionalInt(JsonNode parent, String field, long min) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw ApiError.invalid(field, "'" + field + "' must be an integer");
    }
    if (node.intValue() < min) {
      throw ApiError.invalid(field, "'" + field + "' must be at least " + min);
    }
    return node.intValue();
  }

  static ObjectNode optionalObject(JsonNode parent, String field, String at) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return null;
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiError.invalid(at, "'" + at + "' must be an object");
    }
    return object;
  }

  static ArrayNode optionalArray(JsonNode parent, String field, String at) {
    JsonNode node = parent.get(field);
    if (absent(node)) {
      return null;
    }
    if (!(node instanceof ArrayNode array)) {
      throw ApiError.invalid(at, "'" + at + "' must be an array");
    }
    return array;
  }

  static ObjectNode object(JsonNode node, String at) {
    if (!(node instanceof ObjectNode object)) {
      throw ApiError.invalid(at, "'" + at + "' must be an object");
    }
    return object;
  }

  /** Stop sequences: a string or an array of strings, or null. */
  static List<String> stopSequences(JsonNode node, String at) {
    List<String> stops = new ArrayList<>();
    if (absent(node)) {
      return stops;
    }
    if (node.isTextual()) {
      stops.add(node.textValue());
      return stops;
    }
    if (!node.isArray()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string or an array of strings");
    }
    for (JsonNode stop : node) {
      if (!stop.isTextual()) {
        throw ApiError.invalid(at, "'" + at + "' must be a string or an array of strings");
      }
      stops.add(stop.textValue());
    }
    return stops;
  }

  /** A tool's arguments as sent in OpenAI's shapes: a string holding a JSON object. */
  static JsonNode argumentsObject(JsonNode arguments, String at) {
    if (absent(arguments) || (arguments.isTextual() && arguments.textValue().isBlank())) {
      return Json.object();
    }
    JsonNode parsed = arguments.isTextual() ? Json.readOrNull(arguments.textValue()) : arguments;
    if (parsed == null || !parsed.isObject()) {
      throw ApiError.invalid(at, "'" + at + "' must be a JSON object encoded as a string");
    }
    return parsed;
  }

  /** The body's fields outside {@code known}: kept for a same-dialect upstream. */
  static ObjectNode extras(ObjectNode body, Set<String> known) {
    ObjectNode extras = Json.object();
    body.properties()
        .forEach(
            e -> {
              if (!known.contains(e.getKey())) {
                extras.set(e.getKey(), e.getValue());
              }
            });
    return extras;
  }

  /** A data URL's media type and base64 data, or null when {@code url} is not one. */
  static Block.Image image(String url) {
    if (url.startsWith("data:")) {
      int comma = url.indexOf(',');
      int base64 = url.indexOf(";base64");
      if (comma > 0 && base64 > 0 && base64 < comma) {
        return Block.Image.inline(url.substring(5, base64), url.substring(comma + 1));
      }
    }
    return Block.Image.at(url);
  }

  private static String num(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
