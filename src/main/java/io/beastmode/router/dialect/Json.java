package io.beastmode.router.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Iterator;

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

  /**
   * JSON text of {@code node} in one spelling whatever the spelling it was read from: every
   * object's fields in sorted order, every number its decimal value without trailing zeros ({@code
   * 1}, {@code 1.0} and {@code 1e0} alike), null for a missing node. Written as it is walked, with
   * no sorted copy of the tree.
   */
  public static String writeNormalised(JsonNode node) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator generator = MAPPER.getFactory().createGenerator(text)) {
      writeNormalised(generator, node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** {@code node} written as {@link #writeNormalised(JsonNode)} writes it; null writes null. */
  static void writeNormalised(JsonGenerator generator, JsonNode node) throws IOException {
    if (node == null) {
      generator.writeNull();
      return;
    }
    switch (node.getNodeType()) {
      case OBJECT -> {
        String[] names = new String[node.size()];
        Iterator<String> fields = node.fieldNames();
        for (int i = 0; i < names.length; i++) {
          names[i] = fields.next();
        }
        Arrays.sort(names);
        generator.writeStartObject();
        for (String name : names) {
          generator.writeFieldName(name);
          writeNormalised(generator, node.get(name));
        }
        generator.writeEndObject();
      }
      case ARRAY -> {
        generator.writeStartArray();
        for (JsonNode item : node) {
          writeNormalised(generator, item);
        }
        generator.writeEndArray();
      }
      case STRING -> generator.writeString(node.textValue());
      case NUMBER -> generator.writeNumber(node.decimalValue().stripTrailingZeros());
      case BOOLEAN -> generator.writeBoolean(node.booleanValue());
      case NULL, MISSING -> generator.writeNull();
      // Binary and POJO nodes: never read from a request; written as Jackson writes them.
      default -> generator.writeTree(node);
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
