package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.operator.Timestamps;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether an ApiKey needs a new value and which values routers accept. Pure: the key, the
 * hash of the value its Secret holds now, and the time in; the decision out.
 *
 * <p>A key gets a new value when its Secret has none (first reconcile, or the Secret was deleted)
 * and when its rotate annotation changes. The value it replaces keeps working for the spec's grace
 * period, so clients can move over. A value written into the Secret by hand is taken as the key's.
 */
final class KeyRotation {

  /**
   * @param newValue whether to write a fresh value into the Secret
   * @param keyHash hash of the value routers accept from now on; null when {@code newValue} (known
   *     once the value is made)
   * @param previousKeyHash the value in grace, or null
   * @param previousValidUntil end of its grace, or null
   */
  record Decision(
      boolean newValue, String keyHash, String previousKeyHash, Instant previousValidUntil) {}

  private KeyRotation() {}

  /**
   * @param secretHash SHA-256 of the value the key's Secret holds, or null when it holds none
   */
  static Decision decide(ApiKey key, String secretHash, Instant now) {
    ApiKeyStatus status = key.getStatus();
    String known = status == null ? null : status.keyHash;
    Instant graceEnd = now.plusSeconds(key.getSpec().rotationGraceSeconds);
    if (secretHash == null) {
      return new Decision(true, null, known, known == null ? null : graceEnd);
    }
    if (known != null && rotationRequested(key)) {
      return new Decision(true, null, secretHash, graceEnd);
    }
    var previous = inGrace(status, now);
    return new Decision(
        false, secretHash, previous == null ? null : status.previousKeyHash, previous);
  }

  /** The rotate annotation differs from the one the current value was made for. */
  static boolean rotationRequested(ApiKey key) {
    var annotations = key.getMetadata().getAnnotations();
    String wanted = annotations == null ? null : annotations.get(ApiKey.ROTATE_ANNOTATION);
    String done = key.getStatus() == null ? null : key.getStatus().rotation;
    return wanted != null && !Objects.equals(wanted, done);
  }

  private static Instant inGrace(ApiKeyStatus status, Instant now) {
    if (status == null || status.previousKeyHash == null || status.previousValidUntil == null) {
      return null;
    }
    Instant until = Timestamps.parse(status.previousValidUntil);
    return until.isAfter(now) ? until : null;
  }
}
