package io.beastmode.router.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Digests;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  private static PresentedKey bearer(String value) {
    return new PresentedKey("authorization", "Bearer " + value, value);
  }

  private static AccessConfig.Key key(
      String name, String value, String tenant, List<String> models, String notAfter) {
    return new AccessConfig.Key(name, Digests.sha256Hex(value), tenant, models, notAfter, null);
  }

  private static KeyRing ring(AccessConfig.Key... keys) {
    return KeyRing.of(new AccessConfig(AccessMode.keys, List.of(keys)));
  }

  @Test
  void aKnownKeyIsAdmittedAsItsTenantWithItsModels() {
    KeyRing ring =
        ring(
            key("team-a/app", "sk-a", "acme", List.of("gpt-4o", "auto"), null),
            key("team-b/app", "sk-b", "globex", List.of(), null));

    Admission a = ring.admit(bearer("sk-a"), NOW);
    Admission b = ring.admit(bearer("sk-b"), NOW);

    assertThat(a.refused()).isFalse();
    assertThat(a.caller().tenant()).isEqualTo("acme");
    assertThat(a.caller().apiKey()).isEqualTo("team-a/app");
    assertThat(a.tenant("globex")).as("the tenant header is ignored").isEqualTo("acme");
    assertThat(a.allows("gpt-4o")).isTrue();
    assertThat(a.allows("auto")).isTrue();
    assertThat(a.allows("gpt-4o-mini")).isFalse();
    assertThat(b.caller().tenant()).isEqualTo("globex");
    assertThat(b.allows("anything")).as("no models listed allows every one").isTrue();
    assertThat(a.key().value()).isEqualTo("sk-a");
  }

  @Test
  void noKeyIsRefusedWithItsOwnMessage() {
    Admission admission = ring(key("a/b", "sk-a", "acme", List.of(), null)).admit(null, NOW);

    assertThat(admission.refused()).isTrue();
    assertThat(admission.error().status()).isEqualTo(401);
    assertThat(admission.error().code()).isEqualTo("invalid_api_key");
    assertThat(admission.error().getMessage()).startsWith("You didn't provide an API key");
  }

  @Test
  void anUnknownKeyIsRefusedWithoutNamingIt() {
    Admission admission =
        ring(key("a/b", "sk-a", "acme", List.of(), null)).admit(bearer("sk-wrong-value"), NOW);

    assertThat(admission.refused()).isTrue();
    assertThat(admission.error().status()).isEqualTo(401);
    assertThat(admission.error().code()).isEqualTo("invalid_api_key");
    assertThat(admission.error().getMessage()).startsWith("Incorrect API key provided");
    assertThat(new String(admission.error().body(), StandardCharsets.UTF_8))
        .doesNotContain("sk-wrong-value")
        .contains("\"param\":null");
    assertThat(admission.caller()).isNull();
  }

  @Test
  void aKeyStopsWorkingAtItsNotAfter() {
    KeyRing ring = ring(key("a/b", "sk-a", "acme", List.of(), "2026-06-01T13:00:00+01:00"));

    assertThat(ring.admit(bearer("sk-a"), NOW.minusSeconds(1)).refused()).isFalse();
    assertThat(ring.admit(bearer("sk-a"), NOW).refused()).isTrue();
    assertThat(ring.admit(bearer("sk-a"), NOW.plusSeconds(3600)).error().status()).isEqualTo(401);
  }

  @Test
  void aRotatedValueListedTwiceKeepsTheLaterExpiry() {
    KeyRing ring =
        ring(
            key("a/b", "sk-a", "acme", List.of(), "2026-06-01T11:00:00Z"),
            key("a/b", "sk-a", "acme", List.of(), null));

    assertThat(ring.admit(bearer("sk-a"), NOW).refused()).isFalse();
  }

  @Test
  void openAccessAdmitsEveryoneWithNoCaller() {
    Admission admission = KeyRing.OPEN.admit(null, NOW);

    assertThat(admission.refused()).isFalse();
    assertThat(admission.caller()).isNull();
    assertThat(admission.key()).isNull();
    assertThat(admission.allows("gpt-4o")).isTrue();
    assertThat(admission.tenant("acme")).isEqualTo("acme");
    assertThat(KeyRing.of(new AccessConfig(AccessMode.open, null)).mode())
        .isEqualTo(AccessMode.open);
  }

  @Test
  void theClosedRingAndAFileWithoutModeAdmitNobody() {
    assertThat(KeyRing.CLOSED.admit(bearer("sk-a"), NOW).refused()).isTrue();
    assertThat(KeyRing.of(new AccessConfig(null, null)).admit(bearer("sk-a"), NOW).refused())
        .isTrue();
  }

  @Test
  void aKeyWithoutTenantIsItsOwnTenant() {
    Admission admission = ring(key("a/b", "sk-a", null, null, null)).admit(bearer("sk-a"), NOW);

    assertThat(admission.caller().tenant()).isEqualTo("a/b");
  }

  @Test
  void aFileThatReadsFromYamlBuildsTheSameRing() throws Exception {
    String yaml =
        ConfigYaml.write(
            new AccessConfig(
                AccessMode.keys,
                List.of(key("a/b", "sk-a", "acme", List.of("gpt-4o"), "2030-01-01T00:00:00Z"))));

    KeyRing ring = KeyRing.of(ConfigYaml.read(yaml, AccessConfig.class));

    assertThat(ring.admit(bearer("sk-a"), NOW).caller().models()).containsExactly("gpt-4o");
    assertThat(yaml).doesNotContain("sk-a\n");
  }

  @Test
  void badKeysAreRejected() {
    assertThatThrownBy(() -> KeyRing.of(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ring(new AccessConfig.Key("a/b", "nothex", "t", null, null, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ring(key("a/b", "sk-a", "t", null, "next tuesday")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sk-a");
  }

  @Test
  void theRingNeverShowsAHash() {
    KeyRing ring = ring(key("a/b", "sk-a", "acme", List.of(), null));

    assertThat(ring.toString()).doesNotContain(Digests.sha256Hex("sk-a"));
    assertThat(ring.size()).isEqualTo(1);
  }
}
