package io.beastmode.router.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The package's one object mapper and a few node helpers. */
public final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON text, or returns null when it is not JSON. */
  public static JsonNode readOrNull(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  public static JsonNode readOrNull(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** A copy of {@code node} without the named fields. */
  public static ObjectNode without(JsonNode node, String... fields) {
    ObjectNode copy = node instanceof ObjectNode o ? o.deepCopy() : object();
    copy.remove(java.util.List.of(fields));
    return copy;
  }
}
