package io.beastmode.router.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.Endpoint;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
  static final String HELLO =
      "{\"model\":\"auto\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

  @Test
  void fieldOrderNumberSpellingAndLabelsDoNotChangeTheKey() {
    String reordered =
        "{\"messages\":[{\"content\":\"hello\",\"role\":\"user\"}],\"temperature\":0.0,\"user\":\"u-17\",\"model\":\"auto\"}";
    assertThat(key("t", reordered)).isEqualTo(key("t", HELLO));
  }

  @Test
  void anythingThatChangesTheAnswerChangesTheKey() {
    assertThat(key("t", HELLO.replace("hello", "hello!"))).isNotEqualTo(key("t", HELLO));
    assertThat(key("t", HELLO.replace("auto", "gpt-4o"))).isNotEqualTo(key("t", HELLO));
    assertThat(key("t", HELLO.replace("\"temperature\":0", "\"temperature\":0,\"max_tokens\":5")))
        .isNotEqualTo(key("t", HELLO));
    assertThat(key("t", HELLO.replace("\"temperature\":0", "\"temperature\":0,\"stream\":true")))
        .isNotEqualTo(key("t", HELLO));
  }

  @Test
  void tenantsAndConfigVersionsArePartitions() {
    assertThat(key("tenant-a", HELLO)).isNotEqualTo(key("tenant-b", HELLO));
    assertThat(key(null, HELLO)).isNotEqualTo(key("tenant-a", HELLO));
    assertThat(CacheKey.of("ns/r", "v1", "t", chat(HELLO)))
        .isNotEqualTo(CacheKey.of("ns/r", "v2", "t", chat(HELLO)));
    assertThat(CacheKey.of("ns/r", "v1", "t", chat(HELLO))).startsWith("beastmode:cache:ns/r:v1:");
  }

  @Test
  void bypassRules() {
    CacheSpec spec = new CacheSpec();
    assertThat(CacheDecision.of(spec, chat(HELLO), null)).isEqualTo(CacheDecision.use);
    assertThat(CacheDecision.of(spec, chat(HELLO.replace("\"temperature\":0,", "")), null))
        .isEqualTo(CacheDecision.use);
    assertThat(CacheDecision.of(spec, chat(HELLO), "no-cache")).isEqualTo(CacheDecision.bypass);
    assertThat(CacheDecision.of(spec, chat(HELLO), "No-Store")).isEqualTo(CacheDecision.bypass);

    CompletionRequest warm = chat(HELLO.replace("\"temperature\":0", "\"temperature\":0.7"));
    assertThat(CacheDecision.of(spec, warm, null)).isEqualTo(CacheDecision.bypass);
    spec.cacheNonZeroTemperature = true;
    assertThat(CacheDecision.of(spec, warm, null)).isEqualTo(CacheDecision.use);

    CompletionRequest tools =
        chat(
            HELLO.replace(
                "\"temperature\":0", "\"temperature\":0,\"tools\":[{\"type\":\"function\"}]"));
    assertThat(CacheDecision.of(spec, tools, null)).isEqualTo(CacheDecision.bypass);
    spec.cacheToolRequests = true;
    assertThat(CacheDecision.of(spec, tools, null)).isEqualTo(CacheDecision.use);

    spec.mode = CacheMode.off;
    assertThat(CacheDecision.of(spec, chat(HELLO), null)).isEqualTo(CacheDecision.bypass);
  }

  private static String key(String tenant, String json) {
    return CacheKey.of("ns/r", "v1", tenant, chat(json));
  }

  private static CompletionRequest chat(String json) {
    return CompletionRequest.parse(Endpoint.chat, json.getBytes(StandardCharsets.UTF_8), null);
  }
}
