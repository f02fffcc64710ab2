package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.CompletionRequest.InvalidRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * OpenAI's embeddings API for a simulated embedding model: the same input always gives the same
 * unit vector, seeded by a hash of its text (or of its token ids); {@code dimensions} keeps the
 * first so many components and scales them back to unit length, as OpenAI's shortened embeddings
 * are.
 */
final class Embeddings {
  private Embeddings() {}

  /** An input as the vector seed and token count it stands for. */
  private record Input(String seed, int tokens) {}

  static ObjectNode answer(String model, int modelDimensions, JsonNode body) {
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    List<Input> inputs = inputs(body.path("input"));
    int dimensions = modelDimensions;
    JsonNode asked = body.path("dimensions");
    if (!asked.isMissingNode() && !asked.isNull()) {
      if (!asked.isIntegralNumber() || asked.intValue() < 1 || asked.intValue() > modelDimensions) {
        throw new InvalidRequest(
            "dimensions must be an integer from 1 to " + modelDimensions + ".", "dimensions");
      }
      dimensions = asked.intValue();
    }
    String format = body.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw new InvalidRequest(
          "encoding_format must be 'float' or 'base64', not '" + format + "'.", "encoding_format");
    }
    ObjectNode answer = JsonNodeFactory.instance.objectNode().put("object", "list");
    ArrayNode data = answer.putArray("data");
    int tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      float[] vector = vector(inputs.get(i).seed(), modelDimensions, dimensions);
      ObjectNode embedding = data.addObject().put("object", "embedding").put("index", i);
      if (format.equals("base64")) {
        embedding.put("embedding", base64(vector));
      } else {
        ArrayNode values = embedding.putArray("embedding");
        for (float value : vector) {
          values.add(value);
        }
      }
      tokens += inputs.get(i).tokens();
    }
    answer.put("model", model);
    answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
    return answer;
  }

  /**
   * A unit vector of {@code dimensions} components: the first ones of the full vector for {@code
   * text}, scaled back to unit length.
   */
  static float[] vector(String text, int modelDimensions, int dimensions) {
    var random = new SplittableRandom(seed(text));
    double[] full = new double[modelDimensions];
    for (int i = 0; i < modelDimensions; i++) {
      full[i] = random.nextDouble(-1, 1);
    }
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      norm += full[i] * full[i];
    }
    norm = Math.sqrt(norm);
    float[] vector = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      vector[i] = (float) (full[i] / norm);
    }
    return vector;
  }

  /** A string, strings, token ids or lists of token ids, as OpenAI takes them; none empty. */
  private static List<Input> inputs(JsonNode input) {
    var inputs = new ArrayList<Input>();
    if (input.isTextual()) {
      inputs.add(text(input.asText()));
    } else if (input.isArray() && !input.isEmpty() && input.get(0).isIntegralNumber()) {
      inputs.add(tokens(input));
    } else if (input.isArray()) {
      for (JsonNode item : input) {
        if (item.isTextual()) {
          inputs.add(text(item.asText()));
        } else if (item.isArray() && !item.isEmpty()) {
          inputs.add(tokens(item));
        } else {
          throw invalidInput();
        }
      }
    }
    if (inputs.isEmpty() || inputs.stream().anyMatch(i -> i.tokens() == 0)) {
      throw invalidInput();
    }
    return inputs;
  }

  private static Input text(String text) {
    return new Input(text, text.isEmpty() ? 0 : Tokens.promptTokens(text.length()));
  }

  private static Input tokens(JsonNode ids) {
    var seed = new StringBuilder("tokens:");
    for (JsonNode id : ids) {
      if (!id.isIntegralNumber() || id.longValue() < 0) {
        throw invalidInput();
      }
      seed.append(id.longValue()).append(',');
    }
    return new Input(seed.toString(), ids.size());
  }

  private static InvalidRequest invalidInput() {
    return new InvalidRequest(
        "'$.input' is invalid: give a non-empty string, an array of them, or arrays of token ids.",
        "input");
  }

  private static long seed(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Little-endian float32s, as OpenAI's base64 encoding is. */
  private static String base64(float[] vector) {
    ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : vector) {
      bytes.putFloat(value);
    }
    return Base64.getEncoder().encodeToString(bytes.array());
  }
}
