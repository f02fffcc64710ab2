package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.operator.Timestamps;
import java.time.Duration;
import java.time.Instant;

/**
 * What the operator makes of the master a Region's sentinels name at each probe: a master other
 * than the one seen last time is a failover, announced by a Warning Event and by the {@value #TYPE}
 * condition, which stays True for {@link #SHOWN} so a user looking a little later still sees it.
 */
public final class RedisFailoverCheck {
  public static final String TYPE = "RedisFailover";
  public static final String EVENT_REASON = "RedisFailover";

  /** How long the condition stays True after a failover. */
  static final Duration SHOWN = Duration.ofMinutes(10);

  private RedisFailoverCheck() {}

  /**
   * @param master the master to record in the status (host:port)
   * @param event the Warning Event's message; null when there is none to record
   */
  public record Outcome(String master, Condition condition, String event) {}

  /**
   * @param previousMaster the master recorded at the last probe; null before the first
   * @param previous the condition recorded then; null before the first
   * @param observed the master the sentinels name now; null when none answered
   * @param failure why none answered
   */
  public static Outcome next(
      String previousMaster, Condition previous, String observed, String failure, Instant now) {
    if (observed == null) {
      return new Outcome(
          previousMaster,
          new Condition(
              TYPE,
              ConditionStatus.Unknown,
              "SentinelUnreachable",
              "no sentinel named the master: " + failure),
          null);
    }
    if (previousMaster != null && !previousMaster.equals(observed)) {
      String message = "Sentinel promoted " + observed + " to master (was " + previousMaster + ")";
      return new Outcome(
          observed, new Condition(TYPE, ConditionStatus.True, "MasterChanged", message), message);
    }
    if (previous != null
        && previous.status == ConditionStatus.True
        && previous.lastTransitionTime != null
        && Timestamps.parse(previous.lastTransitionTime).plus(SHOWN).isAfter(now)) {
      return new Outcome(
          observed,
          new Condition(TYPE, ConditionStatus.True, previous.reason, previous.message),
          null);
    }
    return new Outcome(
        observed,
        new Condition(TYPE, ConditionStatus.False, "SameMaster", "master " + observed),
        null);
  }
}
