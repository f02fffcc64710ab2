package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.api.v1alpha1.NamedReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyRotationTest {
  static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void aNewKeyGetsAValueAndNothingIsInGrace() {
    var decision = KeyRotation.decide(key(null, null), null, NOW);
    assertThat(decision.newValue()).isTrue();
    assertThat(decision.previousKeyHash()).isNull();
  }

  @Test
  void aKeyWithItsValueKeepsIt() {
    var decision = KeyRotation.decide(key(status("h1"), null), "h1", NOW);
    assertThat(decision.newValue()).isFalse();
    assertThat(decision.keyHash()).isEqualTo("h1");
  }

  @Test
  void aValueWrittenByHandIsTakenAsTheKeys() {
    var decision = KeyRotation.decide(key(status("h1"), null), "by-hand", NOW);
    assertThat(decision.newValue()).isFalse();
    assertThat(decision.keyHash()).isEqualTo("by-hand");
  }

  @Test
  void aNewRotateAnnotationMakesANewValueAndPutsTheOldOneInGrace() {
    var decision = KeyRotation.decide(key(status("h1"), "2026-12"), "h1", NOW);
    assertThat(decision.newValue()).isTrue();
    assertThat(decision.previousKeyHash()).isEqualTo("h1");
    assertThat(decision.previousValidUntil()).isEqualTo(NOW.plusSeconds(600));
  }

  @Test
  void aRotationAlreadyDoneIsNotDoneAgain() {
    var status = status("h2");
    status.rotation = "2026-12";
    status.previousKeyHash = "h1";
    status.previousValidUntil = NOW.plusSeconds(100).toString();
    var decision = KeyRotation.decide(key(status, "2026-12"), "h2", NOW);
    assertThat(decision.newValue()).isFalse();
    assertThat(decision.previousKeyHash()).isEqualTo("h1");

    var later = KeyRotation.decide(key(status, "2026-12"), "h2", NOW.plusSeconds(100));
    assertThat(later.previousKeyHash()).as("grace over").isNull();
    assertThat(later.previousValidUntil()).isNull();
  }

  @Test
  void aDeletedSecretGetsANewValueAndTheKnownOneStaysInGrace() {
    var decision = KeyRotation.decide(key(status("h1"), null), null, NOW);
    assertThat(decision.newValue()).isTrue();
    assertThat(decision.previousKeyHash()).isEqualTo("h1");
  }

  private static ApiKeyStatus status(String keyHash) {
    var status = new ApiKeyStatus();
    status.keyHash = keyHash;
    return status;
  }

  private static ApiKey key(ApiKeyStatus status, String rotate) {
    var key = new ApiKey();
    var meta = new ObjectMetaBuilder().withName("web").withNamespace("shop");
    if (rotate != null) {
      meta.withAnnotations(Map.of(ApiKey.ROTATE_ANNOTATION, rotate));
    }
    key.setMetadata(meta.build());
    var spec = new ApiKeySpec();
    spec.routers = List.of(new NamedReference("chat"));
    spec.tenant = "shop";
    spec.rotationGraceSeconds = 600;
    key.setSpec(spec);
    key.setStatus(status);
    return key;
  }
}
