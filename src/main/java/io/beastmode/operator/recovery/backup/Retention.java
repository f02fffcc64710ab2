package io.beastmode.operator.recovery.backup;

import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.store.SnapshotStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which snapshots a policy's retention removes: all but the newest {@code keepLast}, and those
 * older than {@code maxAgeDays}, but never the newest good snapshot. Names not made by {@link
 * SnapshotNames} (another tool's, or a person's) are left alone. Pure.
 */
public final class Retention {
  private Retention() {}

  /**
   * @param stored the store's snapshots, newest first
   * @param newestGood the newest snapshot known to open, or null
   */
  public static List<String> toDelete(
      List<SnapshotStore.Stored> stored,
      int keepLast,
      Integer maxAgeDays,
      String newestGood,
      Instant now) {
    var delete = new ArrayList<String>();
    int kept = 0;
    for (var snapshot : stored) {
      var takenAt = SnapshotNames.takenAt(snapshot.name());
      if (takenAt.isEmpty()) {
        continue;
      }
      if (snapshot.name().equals(newestGood)) {
        kept++;
        continue;
      }
      boolean tooOld =
          maxAgeDays != null
              && Duration.between(takenAt.get(), now).compareTo(Duration.ofDays(maxAgeDays)) > 0;
      if (kept >= keepLast || tooOld) {
        delete.add(snapshot.name());
      } else {
        kept++;
      }
    }
    return delete;
  }
}
