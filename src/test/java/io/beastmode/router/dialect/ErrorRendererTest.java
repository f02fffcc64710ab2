package io.beastmode.router.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.api.ApiError;
import org.junit.jupiter.api.Test;

class ErrorRendererTest {

  @Test
  void openAiDialectsKeepTodaysBodyExactly() {
    ApiError error = ApiError.invalid("messages", "'messages' is required");
    for (Dialect dialect : new Dialect[] {Dialect.chat, Dialect.completions, Dialect.responses}) {
      assertThat(ErrorRenderer.body(dialect, error)).isEqualTo(error.body());
    }
  }

  @Test
  void messagesGetsAnthropicsShapeWithTheTypeItsSdkMapsByStatus() {
    JsonNode body = Json.readOrNull(ErrorRenderer.body(Dialect.messages, ApiError.tooLarge(10)));
    assertThat(body)
        .isEqualTo(
            DialectFixtures.json(
                "{\"type\":\"error\",\"error\":{\"type\":\"request_too_large\","
                    + "\"message\":\"request body is larger than the limit of 10 bytes\"}}"));

    assertThat(type(ApiError.invalid("x", "bad"))).isEqualTo("invalid_request_error");
    assertThat(type(ApiError.invalidApiKey())).isEqualTo("authentication_error");
    assertThat(type(ApiError.modelNotAllowed("m"))).isEqualTo("permission_error");
    assertThat(type(ApiError.unknownModel("m"))).isEqualTo("not_found_error");
    assertThat(type(ApiError.overloaded(1))).isEqualTo("rate_limit_error");
    assertThat(type(ApiError.internal())).isEqualTo("api_error");
    assertThat(type(ApiError.noneHealthy("none"))).isEqualTo("overloaded_error");
    assertThat(type(ApiError.upstream(529, "overloaded_error", "busy")))
        .isEqualTo("overloaded_error");
  }

  @Test
  void anUpstreamErrorKeepsItsStatusTypeAndMessage() {
    UpstreamError error =
        new AnthropicUpstream(4096)
            .parseError(
                529,
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
                    .getBytes());
    assertThat(error).isEqualTo(new UpstreamError(529, "overloaded_error", "Overloaded"));
    assertThat(error.toApiError().status()).isEqualTo(529);

    UpstreamError openAi =
        new OpenAiUpstream()
            .parseError(
                429, "{\"error\":{\"message\":\"slow down\",\"type\":\"requests\"}}".getBytes());
    assertThat(openAi).isEqualTo(new UpstreamError(429, "requests", "slow down"));
    assertThat(new OpenAiUpstream().parseError(502, "<html>bad gateway</html>".getBytes()))
        .isEqualTo(new UpstreamError(502, "server_error", "<html>bad gateway</html>"));
  }

  private static String type(ApiError error) {
    return Json.readOrNull(ErrorRenderer.body(Dialect.messages, error))
        .path("error")
        .path("type")
        .asText();
  }
}
