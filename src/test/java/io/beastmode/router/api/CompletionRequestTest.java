package io.beastmode.router.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompletionRequestTest {

  @Test
  void aValidChatRequestIsReadWithItsNeeds() {
    CompletionRequest request =
        chat(
            """
        {"model":"auto","stream":true,"temperature":0,"max_tokens":64,
         "response_format":{"type":"json_object"},
         "tools":[{"type":"function","function":{"name":"f"}}],
         "messages":[{"role":"system","content":"be brief"},
                     {"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"x"}}]}]}
        """);

    assertThat(request.model()).isEqualTo("auto");
    assertThat(request.stream()).isTrue();
    assertThat(request.temperature()).isEqualTo(0.0);
    assertThat(request.maxTokens()).isEqualTo(64);
    assertThat(request.hasTools()).isTrue();
    assertThat(request.needs().json()).isTrue();
    assertThat(request.needs().vision()).isTrue();
    assertThat(request.needs().promptTokens()).isGreaterThan(0);
  }

  @Test
  void aCompletionsRequestNeedsAPrompt() {
    CompletionRequest request =
        CompletionRequest.parse(
            Endpoint.completions, bytes("{\"model\":\"m\",\"prompt\":\"12345678\"}"), null);
    assertThat(request.needs().promptTokens()).isEqualTo(2);

    assertThatThrownBy(
            () -> CompletionRequest.parse(Endpoint.completions, bytes("{\"model\":\"m\"}"), null))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("prompt"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model|'model' is required",
        "{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|model|'model' must be a non-empty string",
        "{\"model\":\"m\"}|messages|'messages' is required",
        "{\"model\":\"m\",\"messages\":[]}|messages|'messages' must be a non-empty array",
        "{\"model\":\"m\",\"messages\":[\"hi\"]}|messages[0]|'messages[0]' must be an object",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"king\",\"content\":\"hi\"}]}|messages[0].role|'messages[0].role' must be one of",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]}|messages[0].content|must be a string or an array of parts",
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}|messages[0].content|'messages[0].content' is required",
        "{\"model\":\"m\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|stream|'stream' must be a boolean",
        "{\"model\":\"m\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|temperature|'temperature' must be a number from 0 to 2",
        "{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|temperature|'temperature' must be a number",
        "{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens|'max_tokens' must be an integer of at least 1",
        "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|max_tokens|'max_tokens' must be an integer of at least 1",
        "{\"model\":\"m\",\"n\":1000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|n|'n' must be an integer",
        "{\"model\":\"m\",\"stop\":[1],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|stop|'stop' must be a string or up to 4 strings",
        "{\"model\":\"m\",\"tools\":{},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|tools|'tools' must be an array",
        "{\"model\":\"m\",\"response_format\":\"json\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}|response_format|'response_format' must be an object",
      })
  void wrongFieldsAreNamed(String body, String param, String message) {
    assertThatThrownBy(() -> chat(body))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void hostileBodiesAreCleanBadRequests() {
    String deep = "{\"model\":\"m\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertBadRequest(bytes(deep), "nested too deeply");
    assertBadRequest(bytes("{\"model\":\"m\""), "not valid JSON");
    assertBadRequest(bytes("[1,2]"), "must be a JSON object");
    assertBadRequest(bytes(""), "empty");
    assertBadRequest(bytes("{\"model\":\"a\",\"model\":\"b\"}"), "not valid JSON");
    assertBadRequest(bytes("{} {}"), "content after the JSON object");
    byte[] invalidUtf8 = {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
    assertBadRequest(invalidUtf8, "not valid JSON");
  }

  @Test
  void anErrorBodyHasTheOpenAiShape() {
    ApiError error = ApiError.invalid("messages[0].role", "bad role");
    assertThat(new String(error.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"error\":{\"message\":\"bad role\",\"type\":\"invalid_request_error\",\"param\":\"messages[0].role\",\"code\":\"invalid_value\"}}");
  }

  private static void assertBadRequest(byte[] body, String message) {
    assertThatThrownBy(() -> CompletionRequest.parse(Endpoint.chat, body, null))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.getMessage()).contains(message);
            });
  }

  private static CompletionRequest chat(String json) {
    return CompletionRequest.parse(Endpoint.chat, bytes(json), null);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
