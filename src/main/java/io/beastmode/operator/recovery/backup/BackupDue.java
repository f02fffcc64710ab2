package io.beastmode.operator.recovery.backup;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.operator.Timestamps;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a policy takes a snapshot (or runs a restore drill) now, and when it is due next: on its
 * schedule after the last one (or after the policy's creation), unless suspended; or at once for a
 * new value of its annotation, suspended or not. Pure.
 *
 * @param take take one now
 * @param next when the schedule fires next; null without a schedule
 * @param reason why: Scheduled or Requested; null when not now
 * @param request the annotation value it is taken for, if requested
 */
public record BackupDue(boolean take, Instant next, String reason, String request) {

  public static BackupDue snapshot(BackupPolicy policy, Instant now) {
    var status = policy.getStatus();
    return of(
        policy,
        policy.getSpec().schedule,
        policy.getSpec().suspend,
        status == null ? null : status.lastBackupTime,
        BackupPolicy.BACKUP_NOW_ANNOTATION,
        status == null ? null : status.lastBackupRequest,
        now);
  }

  public static BackupDue drill(BackupPolicy policy, Instant now) {
    var drill = policy.getSpec().drill;
    var last = policy.getStatus() == null ? null : policy.getStatus().lastDrill;
    return of(
        policy,
        drill.schedule,
        !drill.enabled,
        last == null ? null : last.ranAt,
        BackupPolicy.DRILL_NOW_ANNOTATION,
        last == null ? null : last.request,
        now);
  }

  private static BackupDue of(
      BackupPolicy policy,
      String schedule,
      boolean suspended,
      String last,
      String annotation,
      String handled,
      Instant now) {
    var cron = schedule == null ? null : CronSchedule.parse(schedule);
    Instant next = cron == null ? null : cron.next(now);
    var annotations = policy.getMetadata().getAnnotations();
    String requested = annotations == null ? null : annotations.get(annotation);
    if (requested != null && !Objects.equals(requested, handled)) {
      return new BackupDue(true, next, "Requested", requested);
    }
    if (cron == null || suspended) {
      return new BackupDue(false, next, null, null);
    }
    Instant since =
        Timestamps.parse(last != null ? last : policy.getMetadata().getCreationTimestamp());
    boolean scheduled = !cron.next(since).isAfter(now);
    return new BackupDue(scheduled, next, scheduled ? "Scheduled" : null, null);
  }
}
