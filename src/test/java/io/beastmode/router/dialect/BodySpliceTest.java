package io.beastmode.router.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodySpliceTest {

  private static String splice(String body, String model) {
    return new String(
        BodySplice.withModel(body.getBytes(StandardCharsets.UTF_8), model), StandardCharsets.UTF_8);
  }

  @Test
  void onlyTheTopLevelModelChangesAndEveryOtherByteStays() {
    String body =
        "{ \"messages\" : [{\"role\":\"user\",\"content\":\"héllo 🌍\",\"model\":\"inner\"}],\n"
            + "  \"model\":\"claude-opus\",  \"metadata\":{\"model\":\"x\"}, \"temperature\":1.0e0 }";

    assertThat(splice(body, "vllm-llama"))
        .isEqualTo(
            "{ \"messages\" : [{\"role\":\"user\",\"content\":\"héllo 🌍\",\"model\":\"inner\"}],\n"
                + "  \"model\":\"vllm-llama\",  \"metadata\":{\"model\":\"x\"}, \"temperature\":1.0e0 }");
  }

  @Test
  void theNewModelIsEscapedAsJson() {
    assertThat(splice("{\"model\":\"a\"}", "we\"ird\\name\n"))
        .isEqualTo("{\"model\":\"we\\\"ird\\\\name\\n\"}");
  }

  @Test
  void anOldModelWithEscapesOrOfAnotherTypeIsReplacedWhole() {
    assertThat(splice("{\"model\":\"a\\\"b\\u00e9\",\"x\":1}", "m"))
        .isEqualTo("{\"model\":\"m\",\"x\":1}");
    assertThat(splice("{\"model\":null,\"x\":1}", "m")).isEqualTo("{\"model\":\"m\",\"x\":1}");
    assertThat(splice("{\"model\":{\"a\":[1]},\"x\":1}", "m"))
        .isEqualTo("{\"model\":\"m\",\"x\":1}");
    assertThat(splice("{\"x\":1,\"model\":42}", "m")).isEqualTo("{\"x\":1,\"model\":\"m\"}");
  }

  @Test
  void aBodyWithoutAModelGetsOne() {
    assertThat(splice("{\"x\":1}", "m")).isEqualTo("{\"model\":\"m\",\"x\":1}");
    assertThat(splice(" { } ", "m")).isEqualTo(" {\"model\":\"m\" } ");
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefused() {
    assertThatThrownBy(() -> splice("[1]", "m")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> splice("{\"model\":", "m"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
