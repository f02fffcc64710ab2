package io.beastmode.operator.recovery.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupPolicyStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupDueTest {
  static final Instant NOW = Instant.parse("2026-11-27T03:00:30Z");

  private static BackupPolicy policy(
      String lastBackup, boolean suspend, String requested, String handled) {
    var policy = new BackupPolicy();
    var meta =
        new ObjectMetaBuilder().withName("nightly").withCreationTimestamp("2026-11-20T10:00:00Z");
    if (requested != null) {
      meta.withAnnotations(Map.of(BackupPolicy.BACKUP_NOW_ANNOTATION, requested));
    }
    policy.setMetadata(meta.build());
    policy.setSpec(new BackupPolicySpec());
    policy.getSpec().schedule = "0 3 * * *";
    policy.getSpec().suspend = suspend;
    policy.setStatus(new BackupPolicyStatus());
    policy.getStatus().lastBackupTime = lastBackup;
    policy.getStatus().lastBackupRequest = handled;
    return policy;
  }

  @Test
  void aSnapshotIsDueOnceTheScheduleFiresAfterTheLastOne() {
    assertThat(BackupDue.snapshot(policy("2026-11-26T03:00:05Z", false, null, null), NOW))
        .isEqualTo(new BackupDue(true, Instant.parse("2026-11-28T03:00:00Z"), "Scheduled", null));
    assertThat(BackupDue.snapshot(policy("2026-11-27T03:00:05Z", false, null, null), NOW).take())
        .as("already taken this morning")
        .isFalse();
  }

  @Test
  void aNewPolicyWaitsForItsFirstScheduledTime() {
    assertThat(
            BackupDue.snapshot(
                    policy(null, false, null, null), Instant.parse("2026-11-20T10:05:00Z"))
                .take())
        .isFalse();
  }

  @Test
  void aSuspendedPolicyTakesNoScheduledSnapshotButARequestedOne() {
    assertThat(BackupDue.snapshot(policy("2026-11-26T03:00:05Z", true, null, null), NOW).take())
        .isFalse();
    var requested =
        BackupDue.snapshot(policy("2026-11-27T03:00:05Z", true, "before-upgrade", null), NOW);
    assertThat(requested.take()).isTrue();
    assertThat(requested.reason()).isEqualTo("Requested");
  }

  @Test
  void aRequestIsTakenOnce() {
    assertThat(BackupDue.snapshot(policy("2026-11-27T03:00:05Z", false, "1", "1"), NOW).take())
        .isFalse();
  }
}
