package io.beastmode.router.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.select.RequestNeeds;
import java.io.IOException;
import java.util.List;

/**
 * A chat or text completion request, parsed and checked the way the OpenAI API checks it: every
 * field the router reads or forwards must have the right type and range, and an error names the
 * field. Unknown fields pass through to the upstream untouched.
 *
 * @param body the request as received, forwarded with only {@code model} replaced
 * @param maxTokens {@code max_tokens} or {@code max_completion_tokens}, 0 when absent
 * @param temperature the requested temperature, or null when the client left it to the model
 */
public record CompletionRequest(
    Endpoint endpoint,
    ObjectNode body,
    String model,
    boolean stream,
    Double temperature,
    int maxTokens,
    boolean hasTools,
    RequestNeeds needs) {

  /** Deep nesting is an attack on the parser, never a real request. */
  static final int MAX_NESTING_DEPTH = 64;

  private static final List<String> ROLES =
      List.of("system", "developer", "user", "assistant", "tool", "function");

  private static final ObjectMapper JSON =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
              .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .build());

  /** The shared mapper for request and answer bodies. */
  public static ObjectMapper json() {
    return JSON;
  }

  public static CompletionRequest parse(Endpoint endpoint, byte[] bytes, String domain) {
    JsonNode root = readTree(bytes);
    if (!(root instanceof ObjectNode body)) {
      throw ApiError.invalid(null, "the request body must be a JSON object");
    }
    return of(endpoint, body, domain);
  }

  /**
   * A request already read as JSON, checked as {@link #parse} checks it: the equivalent chat
   * request an adapter wrote for another dialect's, with no round trip through its text.
   */
  public static CompletionRequest of(Endpoint endpoint, ObjectNode body, String domain) {
    String model = requiredString(body, "model");
    if (endpoint == Endpoint.embeddings) {
      return embeddings(body, model, domain);
    }
    boolean stream = optionalBoolean(body, "stream");
    optionalObject(body, "stream_options");
    Double temperature = optionalNumber(body, "temperature", 0, 2);
    optionalNumber(body, "top_p", 0, 1);
    optionalNumber(body, "presence_penalty", -2, 2);
    optionalNumber(body, "frequency_penalty", -2, 2);
    optionalInt(body, "n", 1, 128);
    optionalInt(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    int maxTokens =
        (int)
            Math.max(
                optionalInt(body, "max_tokens", 1, Integer.MAX_VALUE),
                optionalInt(body, "max_completion_tokens", 1, Integer.MAX_VALUE));
    checkStop(body.get("stop"));
    boolean hasTools = nonEmptyArray(body, "tools") | nonEmptyArray(body, "functions");
    JsonNode format = optionalObject(body, "response_format");
    boolean json = format != null && format.path("type").asText("").startsWith("json");

    long promptChars;
    boolean vision = false;
    if (endpoint == Endpoint.chat) {
      MessageScan scan = scanMessages(body.get("messages"));
      promptChars = scan.chars;
      vision = scan.images;
    } else {
      promptChars = scanPrompt(body.get("prompt"));
    }
    int promptTokens = TokenEstimate.ofChars(promptChars);
    RequestNeeds needs =
        new RequestNeeds(promptTokens, maxTokens, hasTools, json, vision, stream, domain);
    return new CompletionRequest(
        endpoint, body, model, stream, temperature, maxTokens, hasTools, needs);
  }

  /**
   * An embeddings request, checked as OpenAI checks it: {@code input} a string, an array of
   * strings, an array of token ids or an array of such arrays, never empty; {@code dimensions} and
   * {@code encoding_format} in range.
   */
  private static CompletionRequest embeddings(ObjectNode body, String model, String domain) {
    JsonNode input = body.get("input");
    long promptTokens;
    if (input != null && input.isTextual()) {
      promptTokens = TokenEstimate.ofChars(input.textValue().length());
    } else if (input != null && input.isArray() && !input.isEmpty()) {
      long chars = 0;
      long tokens = 0;
      for (JsonNode item : input) {
        if (item.isTextual()) {
          chars += item.textValue().length();
        } else if (item.isIntegralNumber()) {
          tokens++;
        } else if (item.isArray() && !item.isEmpty() && allIntegral(item)) {
          tokens += item.size();
        } else {
          throw ApiError.invalid(
              "input",
              "'input' must be a string, an array of strings, an array of token ids or an array"
                  + " of such arrays, none of them empty");
        }
      }
      promptTokens = TokenEstimate.ofChars(chars) + tokens;
    } else {
      throw ApiError.invalid(
          "input", "'input' is required: a string or a non-empty array of strings or token ids");
    }
    optionalInt(body, "dimensions", 1, 65_536);
    JsonNode format = body.get("encoding_format");
    if (format != null
        && !(format.isTextual()
            && (format.textValue().equals("float") || format.textValue().equals("base64")))) {
      throw ApiError.invalid("encoding_format", "'encoding_format' must be 'float' or 'base64'");
    }
    RequestNeeds needs =
        new RequestNeeds(
            (int) Math.min(Integer.MAX_VALUE, promptTokens),
            0,
            false,
            false,
            false,
            false,
            domain,
            true);
    return new CompletionRequest(Endpoint.embeddings, body, model, false, null, 0, false, needs);
  }

  private static boolean allIntegral(JsonNode array) {
    for (JsonNode item : array) {
      if (!item.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  /**
   * A request body read as a JSON object under the same limits and with the same errors as {@link
   * #parse}, for the dialects whose own adapters check its fields.
   */
  public static ObjectNode readObject(byte[] bytes) {
    if (!(readTree(bytes) instanceof ObjectNode body)) {
      throw ApiError.invalid(null, "the request body must be a JSON object");
    }
    return body;
  }

  private static JsonNode readTree(byte[] bytes) {
    if (bytes.length == 0) {
      throw ApiError.invalid(null, "the request body is empty; expected a JSON object");
    }
    try (JsonParser parser = JSON.createParser(bytes)) {
      JsonNode root = JSON.readTree(parser);
      if (parser.nextToken() != null) {
        throw ApiError.invalid(null, "the request body has content after the JSON object");
      }
      return root;
    } catch (StreamConstraintsException e) {
      throw ApiError.invalid(null, "the request body is nested too deeply");
    } catch (IOException e) {
      // Jackson names the position; the message of a malformed body never echoes its content.
      String where =
          e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                  && p.getLocation() != null
              ? " at line "
                  + p.getLocation().getLineNr()
                  + ", column "
                  + p.getLocation().getColumnNr()
              : "";
      throw ApiError.invalid(null, "the request body is not valid JSON" + where);
    }
  }

  private record MessageScan(long chars, boolean images) {}

  private static MessageScan scanMessages(JsonNode messages) {
    if (messages == null || messages.isNull()) {
      throw ApiError.invalid("messages", "'messages' is required");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "'messages' must be a non-empty array");
    }
    long chars = 0;
    boolean images = false;
    for (int i = 0; i < messages.size(); i++) {
      String at = "messages[" + i + "]";
      JsonNode message = messages.get(i);
      if (!message.isObject()) {
        throw ApiError.invalid(at, "'" + at + "' must be an object");
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ROLES.contains(role.textValue())) {
        throw ApiError.invalid(at + ".role", "'" + at + ".role' must be one of " + ROLES);
      }
      JsonNode content = message.get("content");
      if (content == null || content.isNull()) {
        if (!"assistant".equals(role.textValue())) {
          throw ApiError.invalid(at + ".content", "'" + at + ".content' is required");
        }
      } else if (content.isTextual()) {
        chars += content.textValue().length();
      } else if (content.isArray()) {
        for (int p = 0; p < content.size(); p++) {
          JsonNode part = content.get(p);
          String partAt = at + ".content[" + p + "]";
          if (!part.isObject() || !part.path("type").isTextual()) {
            throw ApiError.invalid(
                partAt, "'" + partAt + "' must be an object with a string 'type'");
          }
          chars += part.path("text").asText("").length();
          images |= "image_url".equals(part.get("type").textValue());
        }
      } else {
        throw ApiError.invalid(
            at + ".content", "'" + at + ".content' must be a string or an array of parts");
      }
      // Per-message framing tokens, as the OpenAI tokenizer counts them.
      chars += 16;
    }
    return new MessageScan(chars, images);
  }

  private static long scanPrompt(JsonNode prompt) {
    if (prompt == null || prompt.isNull()) {
      throw ApiError.invalid("prompt", "'prompt' is required");
    }
    if (prompt.isTextual()) {
      return prompt.textValue().length();
    }
    if (prompt.isArray() && !prompt.isEmpty()) {
      long chars = 0;
      for (int i = 0; i < prompt.size(); i++) {
        JsonNode item = prompt.get(i);
        if (item.isTextual()) {
          chars += item.textValue().length();
        } else if (item.isIntegralNumber()) {
          chars += 4;
        } else if (item.isArray()) {
          chars += 4L * item.size();
        } else {
          throw ApiError.invalid(
              "prompt[" + i + "]", "'prompt[" + i + "]' must be a string or tokens");
        }
      }
      return chars;
    }
    throw ApiError.invalid("prompt", "'prompt' must be a string or a non-empty array");
  }

  private static String requiredString(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      throw ApiError.invalid(field, "'" + field + "' is required");
    }
    if (!value.isTextual() || value.textValue().isBlank()) {
      throw ApiError.invalid(field, "'" + field + "' must be a non-empty string");
    }
    return value.textValue();
  }

  private static boolean optionalBoolean(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw ApiError.invalid(field, "'" + field + "' must be a boolean");
    }
    return value.booleanValue();
  }

  private static Double optionalNumber(ObjectNode body, String field, double min, double max) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
      throw ApiError.invalid(
          field, "'" + field + "' must be a number from " + fmt(min) + " to " + fmt(max));
    }
    return value.doubleValue();
  }

  private static long optionalInt(ObjectNode body, String field, long min, long max) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.canConvertToExactIntegral()
        || !value.canConvertToLong()
        || value.longValue() < min
        || value.longValue() > max) {
      throw ApiError.invalid(
          field,
          "'"
              + field
              + "' must be an integer"
              + (min > Long.MIN_VALUE ? " of at least " + min : ""));
    }
    return value.longValue();
  }

  private static JsonNode optionalObject(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw ApiError.invalid(field, "'" + field + "' must be an object");
    }
    return value;
  }

  private static boolean nonEmptyArray(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isArray()) {
      throw ApiError.invalid(field, "'" + field + "' must be an array");
    }
    for (int i = 0; i < value.size(); i++) {
      if (!value.get(i).isObject()) {
        throw ApiError.invalid(
            field + "[" + i + "]", "'" + field + "[" + i + "]' must be an object");
      }
    }
    return !value.isEmpty();
  }

  private static void checkStop(JsonNode stop) {
    if (stop == null || stop.isNull() || stop.isTextual()) {
      return;
    }
    if (stop.isArray() && stop.size() <= 4) {
      for (JsonNode item : stop) {
        if (!item.isTextual()) {
          throw ApiError.invalid("stop", "'stop' must be a string or up to 4 strings");
        }
      }
      return;
    }
    throw ApiError.invalid("stop", "'stop' must be a string or up to 4 strings");
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
