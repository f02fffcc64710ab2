package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.BurnRateRule;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.operator.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which actions an objective's firing rules call for, given what is already in force. Pure.
 *
 * <p>ScaleUp and ShiftTraffic act on each region whose own burn fires the rule; DegradeModel and
 * Alert act on the whole router. An action stays in force while any rule calls for it and is undone
 * once none does, but never sooner than the cooldown after it was taken, and it is not taken again
 * within the cooldown after it was undone: actions do not oscillate.
 */
public final class SloActionPlanner {
  /** Records kept in status; older undone ones drop off. */
  static final int KEPT_RECORDS = 20;

  private static final Set<SloAction> PER_REGION =
      Set.of(SloAction.ScaleUp, SloAction.ShiftTraffic);

  /**
   * A rule's evaluation.
   *
   * @param firing whether the router as a whole burns faster than the rule allows in both windows
   * @param firingRegions regions whose own burn does
   * @param reason the rule and its rates, in words
   */
  public record RuleState(
      BurnRateRule rule, boolean firing, Set<String> firingRegions, String reason) {}

  /** Replicas a region runs now and may run at most, for ScaleUp. */
  public record Capacity(int replicas, int maxReplicas) {}

  private record Key(SloAction action, String region) {}

  private SloActionPlanner() {}

  /** The records after this evaluation, most recent first. */
  public static List<SloActionRecord> decide(
      List<RuleState> rules,
      List<SloActionRecord> previous,
      Map<String, Capacity> capacity,
      Duration cooldown,
      Instant now) {
    var wanted = new LinkedHashMap<Key, String>();
    for (var state : rules) {
      for (var action : state.rule().actions) {
        if (PER_REGION.contains(action)) {
          state.firingRegions().stream()
              .sorted()
              .forEach(region -> wanted.putIfAbsent(new Key(action, region), state.reason()));
        } else if (state.firing() || !state.firingRegions().isEmpty()) {
          wanted.putIfAbsent(new Key(action, null), state.reason());
        }
      }
    }
    var kept = new ArrayList<SloActionRecord>();
    for (var record : previous) {
      var key = new Key(record.action, record.region);
      boolean active = record.undoneAt == null;
      if (active
          && wanted.remove(key) == null
          && elapsed(record.takenAt, now).compareTo(cooldown) >= 0) {
        kept.add(undone(record, now));
      } else {
        kept.add(record);
      }
    }
    var taken = new ArrayList<SloActionRecord>();
    wanted.forEach(
        (key, reason) -> {
          if (!recentlyUndone(previous, key, cooldown, now)) {
            taken.add(
                take(key, reason, key.region() == null ? null : capacity.get(key.region()), now));
          }
        });
    var records = new ArrayList<>(taken);
    records.addAll(kept);
    return trim(records);
  }

  /** The actions in force, for those who carry them out. */
  public static List<SloActionRecord> inForce(List<SloActionRecord> records) {
    return records == null ? List.of() : records.stream().filter(r -> r.undoneAt == null).toList();
  }

  /**
   * ScaleUp asks for half as many replicas again as run now, at least one more, within the maximum.
   */
  static int scaledUp(Capacity capacity) {
    int raised = Math.max(capacity.replicas() + 1, (int) Math.ceil(capacity.replicas() * 1.5));
    return Math.min(capacity.maxReplicas(), raised);
  }

  private static SloActionRecord take(Key key, String reason, Capacity capacity, Instant now) {
    var record = new SloActionRecord();
    record.action = key.action();
    record.region = key.region();
    record.reason = reason;
    record.takenAt = Timestamps.format(now);
    if (key.action() == SloAction.ScaleUp && capacity != null) {
      record.replicas = scaledUp(capacity);
    }
    return record;
  }

  private static SloActionRecord undone(SloActionRecord record, Instant now) {
    var copy = new SloActionRecord();
    copy.action = record.action;
    copy.region = record.region;
    copy.reason = record.reason;
    copy.takenAt = record.takenAt;
    copy.replicas = record.replicas;
    copy.undoneAt = Timestamps.format(now);
    return copy;
  }

  private static boolean recentlyUndone(
      List<SloActionRecord> previous, Key key, Duration cooldown, Instant now) {
    return previous.stream()
        .filter(
            r ->
                r.action == key.action()
                    && Objects.equals(r.region, key.region())
                    && r.undoneAt != null)
        .anyMatch(r -> elapsed(r.undoneAt, now).compareTo(cooldown) < 0);
  }

  /** Keeps every action in force and the most recent undone ones. */
  private static List<SloActionRecord> trim(List<SloActionRecord> records) {
    var result = new ArrayList<SloActionRecord>();
    int undone = 0;
    for (var record : records) {
      if (record.undoneAt == null || undone++ < KEPT_RECORDS) {
        result.add(record);
      }
    }
    return result;
  }

  private static Duration elapsed(String since, Instant now) {
    return Duration.between(Instant.parse(since), now);
  }
}
