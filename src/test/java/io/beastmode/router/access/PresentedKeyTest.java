package io.beastmode.router.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PresentedKeyTest {

  private static PresentedKey from(String... headers) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < headers.length; i += 2) {
      map.put(headers[i], headers[i + 1]);
    }
    return PresentedKey.from(name -> map.get(name.toLowerCase(Locale.ROOT)));
  }

  @Test
  void aBearerAuthorizationHeaderHoldsTheKey() {
    PresentedKey key = from("Authorization", "Bearer sk-one");

    assertThat(key.value()).isEqualTo("sk-one");
    assertThat(key.header()).isEqualTo("authorization");
    assertThat(key.headerValue()).isEqualTo("Bearer sk-one");
    assertThat(from("authorization", "bearer   sk-two ").value()).isEqualTo("sk-two");
  }

  @Test
  void apiKeyAndXApiKeyHeadersHoldTheKey() {
    assertThat(from("api-key", "sk-azure").value()).isEqualTo("sk-azure");
    assertThat(from("api-key", "sk-azure").header()).isEqualTo("api-key");
    assertThat(from("X-Api-Key", "sk-anthropic").value()).isEqualTo("sk-anthropic");
    assertThat(from("X-Api-Key", "sk-anthropic").header()).isEqualTo("x-api-key");
  }

  @Test
  void authorizationComesFirstThenApiKeyThenXApiKey() {
    assertThat(from("x-api-key", "c", "api-key", "b", "authorization", "Bearer a").value())
        .isEqualTo("a");
    assertThat(from("x-api-key", "c", "api-key", "b").value()).isEqualTo("b");
  }

  @Test
  void noKeyEmptyKeysAndOtherSchemesAreNoKey() {
    assertThat(from()).isNull();
    assertThat(from("authorization", "Bearer ")).isNull();
    assertThat(from("authorization", "Bearer")).isNull();
    assertThat(from("authorization", "Basic dXNlcjpwYXNz")).isNull();
    assertThat(from("api-key", "  ")).isNull();
    assertThat(from("authorization", "Basic dXNlcjpwYXNz", "x-api-key", "sk-x").value())
        .isEqualTo("sk-x");
  }

  @Test
  void theValueNeverShowsInToString() {
    assertThat(from("authorization", "Bearer sk-secret").toString())
        .doesNotContain("sk-secret")
        .contains("authorization");
  }
}
