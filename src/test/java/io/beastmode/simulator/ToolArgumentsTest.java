package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
  @Test
  void everyPropertyGetsAValueOfItsType() throws Exception {
    var schema =
        JSON.readTree(
            """
            {"type": "object", "required": ["city", "unit"], "properties": {
              "city": {"type": "string"},
              "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
              "days": {"type": "integer", "minimum": 3},
              "ratio": {"type": "number"},
              "exact": {"type": "boolean"},
              "tags": {"type": "array", "items": {"type": "string"}},
              "where": {"type": "object", "properties": {"lat": {"type": ["number", "null"]}}},
              "mode": {"anyOf": [{"type": "null"}, {"const": "fast"}]},
              "limit": {"type": "integer", "default": 10}}}
            """);

    assertThat(ToolArguments.forSchema(schema).toString())
        .isEqualTo(
            JSON.readTree(
                    """
                {"city": "city 1", "unit": "celsius", "days": 3, "ratio": 1.5, "exact": true,
                 "tags": ["tags 1"], "where": {"lat": 1.5}, "mode": "fast", "limit": 10}
                """)
                .toString());
  }

  @Test
  void aSchemaWithoutPropertiesGivesAnEmptyObject() throws Exception {
    assertThat(ToolArguments.forSchema(JSON.readTree("{\"type\": \"object\"}")).isEmpty()).isTrue();
    assertThat(ToolArguments.forSchema(JSON.missingNode()).isEmpty()).isTrue();
  }

  @Test
  void piecesPutTogetherGiveTheArgumentsBack() {
    String arguments = "{\"city\":\"city 1\",\"unit\":\"celsius\"}";

    var pieces = ToolArguments.pieces(arguments);

    assertThat(pieces.size()).isGreaterThan(2);
    assertThat(String.join("", pieces)).isEqualTo(arguments);
  }
}
