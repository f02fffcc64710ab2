package io.beastmode.operator.recovery;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.operator.Timestamps;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a policy takes a snapshot now, and when it is due next: on its schedule after the last
 * snapshot (or after its creation), unless suspended; or at once for a new backup-now annotation
 * value, suspended or not. Pure.
 *
 * @param take take one now
 * @param next when the schedule fires next
 * @param reason why it takes one: Scheduled or Requested; null when it does not
 */
record BackupDue(boolean take, Instant next, String reason) {

  static BackupDue of(BackupPolicy policy, Instant now) {
    var spec = policy.getSpec();
    var status = policy.getStatus();
    var schedule = CronSchedule.parse(spec.schedule);
    String requested =
        policy.getMetadata().getAnnotations() == null
            ? null
            : policy.getMetadata().getAnnotations().get(BackupPolicy.BACKUP_NOW_ANNOTATION);
    String handled = status == null ? null : status.lastBackupRequest;
    Instant next = schedule.next(now);
    if (requested != null && !Objects.equals(requested, handled)) {
      return new BackupDue(true, next, "Requested");
    }
    String last = status == null ? null : status.lastBackupTime;
    Instant since =
        last != null
            ? Timestamps.parse(last)
            : Timestamps.parse(policy.getMetadata().getCreationTimestamp());
    boolean scheduled = !spec.suspend && !schedule.next(since).isAfter(now);
    return new BackupDue(scheduled, next, scheduled ? "Scheduled" : null);
  }
}
