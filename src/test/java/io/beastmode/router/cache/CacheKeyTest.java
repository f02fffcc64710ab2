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

  /**
   * Keys are shared by every router of a region, of whatever version during a rollout: what they
   * hash must not change unnoticed.
   */
  @Test
  void keysStayTheSameAcrossVersions() {
    String everything =
        "{\"model\":\"gpt-4o\",\"temperature\":0.0,\"top_p\":1,\"max_tokens\":256,\"seed\":-42,"
            + "\"stream\":false,\"stop\":[\"\\n\",\"END\"],\"user\":\"u\",\"metadata\":{\"a\":1},"
            + "\"response_format\":{\"type\":\"json_object\"},\"logit_bias\":{\"50256\":-100,\"12\":2.50},"
            + "\"n\":1,\"x\":null,\"big\":123456789012345678901234567890,\"frac\":1.2345678901234567890,"
            + "\"neg\":-0.0,\"exp\":1e3,\"messages\":[{\"role\":\"system\",\"content\":\"S\u00fc\u00df \u2603 "
            + "\\u0000 emoji \ud83d\ude00\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"http://x\"}}]}]}";
    assertThat(key("t", HELLO))
        .isEqualTo(
            "beastmode:cache:ns/r:v1:696a133004143350df0485e8787504adfc0a04063d7343e2eb5991c468ec22a3");
    assertThat(key(null, HELLO))
        .isEqualTo(
            "beastmode:cache:ns/r:v1:f98aeedd64a97910873bf33f610ca4eb05c99258041e228a497703b28162d586");
    assertThat(key("t", everything))
        .isEqualTo(
            "beastmode:cache:ns/r:v1:0a7ee9083391f42d842cc9d9c9148aaedadffc844414cacb5a41f657255dedf4");
    assertThat(key(null, everything))
        .isEqualTo(
            "beastmode:cache:ns/r:v1:8d3b6915276879cc803e9a2a055dc729db941b4f26e4a0be8b44d4b3745bcdc7");
    String prompt = "{\"model\":\"m\",\"prompt\":[1,2,3],\"temperature\":0}";
    assertThat(
            CacheKey.of(
                "ns/r",
                "v2",
                "",
                CompletionRequest.parse(
                    Endpoint.completions, prompt.getBytes(StandardCharsets.UTF_8), null)))
        .isEqualTo(
            "beastmode:cache:ns/r:v2:384b8b0b3fba2528df22efdd86e01bed1739a7f03a8a3a2c063d4031d4e39aea");
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
