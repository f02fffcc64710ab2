package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each API refuses, and how it words it, without a server. */
class RefusalTest {

  static SimulatedModel model(ModelApi api, String key, int errorStatus, List<String> betas)
      throws Exception {
    return SimulatorConfigTest.model(
        "api: %s, apiKey: %s, errorStatus: %d, anthropicBetas: %s"
            .formatted(api, key, errorStatus, betas == null ? "null" : betas));
  }

  static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  void azuresDeploymentPathNeedsAnApiVersionItKnowsAndItsV1PathNone() {
    assertThat(Refusal.version(ModelApi.azure, headers(), true, null))
        .hasValue(new Refusal(404, "Resource not found", null, "404"));
    assertThat(Refusal.version(ModelApi.azure, headers(), true, "2020-01-01"))
        .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(400));
    assertThat(Refusal.version(ModelApi.azure, headers(), true, "2024-10-21")).isEmpty();
    assertThat(Refusal.version(ModelApi.azure, headers(), false, null)).isEmpty();
    assertThat(Refusal.version(ModelApi.openai, headers(), false, null)).isEmpty();
  }

  @Test
  void anthropicNeedsItsVersionHeader() {
    assertThat(Refusal.version(ModelApi.anthropic, headers(), false, null))
        .hasValueSatisfying(r -> assertThat(r.message()).contains("anthropic-version"));
    assertThat(
            Refusal.version(
                ModelApi.anthropic, headers("Anthropic-Version", "2023-06-01"), false, null))
        .isEmpty();
  }

  @Test
  void eachApiTakesTheKeyInItsOwnHeader() throws Exception {
    var keyed = model(ModelApi.openai, "k", 500, null);
    var anthropic = model(ModelApi.anthropic, "k", 500, null);
    var azure = model(ModelApi.azure, "k", 500, null);

    assertThat(Refusal.key(ModelApi.openai, keyed, headers("authorization", "Bearer k"))).isEmpty();
    assertThat(Refusal.key(ModelApi.openai, keyed, headers("x-api-key", "k"))).isPresent();
    assertThat(Refusal.key(ModelApi.anthropic, anthropic, headers("x-api-key", "k"))).isEmpty();
    assertThat(Refusal.key(ModelApi.anthropic, anthropic, headers("authorization", "Bearer k")))
        .isEmpty();
    assertThat(Refusal.key(ModelApi.anthropic, anthropic, headers("x-api-key", "j"))).isPresent();
    assertThat(Refusal.key(ModelApi.azure, azure, headers("api-key", "k"))).isEmpty();
    assertThat(Refusal.key(ModelApi.azure, azure, headers("authorization", "Bearer k")))
        .hasValueSatisfying(r -> assertThat(r.code()).isEqualTo("401"));
    assertThat(Refusal.key(ModelApi.openai, model(ModelApi.openai, null, 500, null), headers()))
        .isEmpty();
  }

  @Test
  void betaFlagsAreCheckedOnlyWhenTheModelListsThem() throws Exception {
    var strict = model(ModelApi.anthropic, null, 500, List.of("a-1", "b-2"));
    var open = model(ModelApi.anthropic, null, 500, null);
    var two = headers("anthropic-beta", "a-1", "anthropic-beta", " b-2 ,c-3");

    assertThat(Refusal.betas(ModelApi.anthropic, strict, headers("anthropic-beta", "a-1,b-2")))
        .isEmpty();
    assertThat(Refusal.betas(ModelApi.anthropic, strict, two))
        .hasValueSatisfying(r -> assertThat(r.message()).contains("`c-3`").doesNotContain("b-2"));
    assertThat(Refusal.betas(ModelApi.anthropic, open, two)).isEmpty();
  }

  @Test
  void eachApiWordsItsErrorsInItsOwnShape() throws Exception {
    var overloaded =
        Refusal.injected(ModelApi.anthropic, model(ModelApi.anthropic, null, 529, null));
    var limited = Refusal.injected(ModelApi.azure, model(ModelApi.azure, null, 429, null));
    var missing = Refusal.modelNotFound(ModelApi.openai, "gpt-9");

    assertThat(overloaded.body(ModelApi.anthropic).toString())
        .isEqualTo(
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    assertThat(limited.body(ModelApi.azure).get("error").get("code").asText()).isEqualTo("429");
    assertThat(missing.body(ModelApi.openai).get("error").get("code").asText())
        .isEqualTo("model_not_found");
    assertThat(Refusal.modelNotFound(ModelApi.azure, "d").code()).isEqualTo("DeploymentNotFound");
    for (int status : new int[] {400, 401, 403, 404, 413, 429, 500, 529}) {
      assertThat(
              new Refusal(status, "m", null, null)
                  .body(ModelApi.anthropic)
                  .get("error")
                  .get("type")
                  .asText())
          .as("status " + status)
          .isEqualTo(
              switch (status) {
                case 400 -> "invalid_request_error";
                case 401 -> "authentication_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 413 -> "request_too_large";
                case 429 -> "rate_limit_error";
                case 529 -> "overloaded_error";
                default -> "api_error";
              });
    }
  }
}
