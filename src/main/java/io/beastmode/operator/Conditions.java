package io.beastmode.operator;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.HasConditions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Sets standard conditions on a status: stamps observedGeneration, and keeps lastTransitionTime
 * when the condition's status did not change, so a status rebuilt on every reconcile stays equal.
 */
public final class Conditions {
  public static final String READY = "Ready";

  private final Clock clock;

  public Conditions(Clock clock) {
    this.clock = clock;
  }

  /**
   * Puts {@code condition} into {@code target}, taking its transition time from {@code previous}
   * when the status is unchanged there.
   */
  public void set(
      HasConditions target, HasConditions previous, long generation, Condition condition) {
    condition.observedGeneration = generation;
    condition.lastTransitionTime =
        find(previous, condition.type)
            .filter(old -> old.status == condition.status)
            .map(old -> old.lastTransitionTime)
            .orElseGet(this::now);
    target.getConditions().removeIf(c -> c.type.equals(condition.type));
    target.getConditions().add(condition);
  }

  public String now() {
    return format(clock.instant());
  }

  /** Kubernetes' own condition times (metav1.Time) are whole seconds. */
  public static String format(Instant instant) {
    return Timestamps.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  /** Whether the status carries the condition with status True. */
  public static boolean isTrue(HasConditions status, String type) {
    return find(status, type).map(c -> c.status == ConditionStatus.True).orElse(false);
  }

  public static Optional<Condition> find(HasConditions status, String type) {
    if (status == null || status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream().filter(c -> type.equals(c.type)).findFirst();
  }

  public static Condition ready(ConditionStatus status, String reason, String message) {
    return new Condition(READY, status, reason, message);
  }
}
