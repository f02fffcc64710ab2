package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** OpenAI's embeddings API for simulated embedding models, over real HTTP. */
class EmbeddingsTest extends SimulatorHarness {
  static final String CONFIG =
      """
      models:
        - name: text-embedding-3-small
          embeddingDimensions: 64
        - name: gpt-4o
      """;

  @Override
  String config() {
    return CONFIG;
  }

  JsonNode embed(String extra) throws Exception {
    var response =
        client.post("/v1/embeddings", "{\"model\": \"text-embedding-3-small\", " + extra + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
  }

  @Test
  void theSameTextGivesTheSameUnitVectorAndAnotherTextAnother() throws Exception {
    JsonNode answer = embed("\"input\": [\"hello world\", \"goodbye\", \"hello world\"]");

    assertThat(answer.get("object").asText()).isEqualTo("list");
    assertThat(answer.get("model").asText()).isEqualTo("text-embedding-3-small");
    JsonNode data = answer.get("data");
    assertThat(data).hasSize(3);
    assertThat(data.get(1).get("object").asText()).isEqualTo("embedding");
    assertThat(data.get(1).get("index").asInt()).isEqualTo(1);
    double[] first = vector(data.get(0).get("embedding"));
    assertThat(first).hasSize(64);
    assertThat(norm(first)).isCloseTo(1.0, within(1e-5));
    assertThat(data.get(2).get("embedding")).isEqualTo(data.get(0).get("embedding"));
    assertThat(data.get(1).get("embedding")).isNotEqualTo(data.get(0).get("embedding"));
    assertThat(embed("\"input\": \"hello world\"").get("data").get(0).get("embedding"))
        .isEqualTo(data.get(0).get("embedding"));
    // 11 + 7 + 11 characters: 3 + 2 + 3 tokens.
    assertThat(answer.get("usage").get("prompt_tokens").asInt()).isEqualTo(8);
    assertThat(answer.get("usage").get("total_tokens").asInt()).isEqualTo(8);
  }

  @Test
  void dimensionsShortenTheVectorToAUnitPrefixOfTheFullOne() throws Exception {
    double[] full = vector(embed("\"input\": \"hello\"").get("data").get(0).get("embedding"));
    double[] shortened =
        vector(
            embed("\"input\": \"hello\", \"dimensions\": 16").get("data").get(0).get("embedding"));

    assertThat(shortened).hasSize(16);
    assertThat(norm(shortened)).isCloseTo(1.0, within(1e-5));
    double scale = shortened[0] / full[0];
    for (int i = 0; i < 16; i++) {
      assertThat(shortened[i]).isCloseTo(full[i] * scale, within(1e-5));
    }
  }

  @Test
  void base64IsTheLittleEndianFloatsOfTheFloatVector() throws Exception {
    JsonNode floats = embed("\"input\": \"hello\"").get("data").get(0).get("embedding");
    String encoded =
        embed("\"input\": \"hello\", \"encoding_format\": \"base64\"")
            .get("data")
            .get(0)
            .get("embedding")
            .asText();

    ByteBuffer bytes =
        ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.remaining()).isEqualTo(64 * 4);
    for (int i = 0; i < 64; i++) {
      assertThat(bytes.getFloat()).isEqualTo(floats.get(i).floatValue());
    }
  }

  @Test
  void tokenArraysAreEmbeddedAndCountedByTheirLength() throws Exception {
    JsonNode one = embed("\"input\": [1, 2, 3]");
    JsonNode two = embed("\"input\": [[1, 2, 3], [4, 5]]");

    assertThat(one.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(two.get("usage").get("prompt_tokens").asInt()).isEqualTo(5);
    assertThat(two.get("data").get(0).get("embedding"))
        .isEqualTo(one.get("data").get(0).get("embedding"));
  }

  @Test
  void invalidInputsAndChatModelsAreRefused() throws Exception {
    for (String body :
        new String[] {
          "{\"model\": \"text-embedding-3-small\", \"input\": \"\"}",
          "{\"model\": \"text-embedding-3-small\", \"input\": []}",
          "{\"model\": \"text-embedding-3-small\", \"input\": [\"a\", 3]}",
          "{\"model\": \"text-embedding-3-small\", \"input\": \"a\", \"dimensions\": 65}",
          "{\"model\": \"text-embedding-3-small\", \"input\": \"a\", \"encoding_format\": \"int8\"}",
          "{\"model\": \"gpt-4o\", \"input\": \"a\"}"
        }) {
      var response = client.post("/v1/embeddings", body);

      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(json(response).get("error").get("type").asText())
          .isEqualTo("invalid_request_error");
    }
    assertThat(
            client.post("/v1/embeddings", "{\"model\": \"nope\", \"input\": \"a\"}").statusCode())
        .isEqualTo(404);
    assertThat(client.chat("text-embedding-3-small", "hi").statusCode()).isEqualTo(404);
  }

  static double[] vector(JsonNode values) {
    double[] vector = new double[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i).doubleValue();
    }
    return vector;
  }

  static double norm(double[] vector) {
    double sum = 0;
    for (double value : vector) {
      sum += value * value;
    }
    return Math.sqrt(sum);
  }
}
