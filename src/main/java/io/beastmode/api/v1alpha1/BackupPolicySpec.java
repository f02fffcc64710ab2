package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Desired state of a BackupPolicy. */
public class BackupPolicySpec {

  @Required
  @Pattern(CronPattern.SCHEDULE)
  @JsonPropertyDescription(
      "When to take a snapshot: a five-field cron expression or @hourly, @daily, @weekly (UTC).")
  public String schedule;

  @Default("false")
  @JsonPropertyDescription("When true, no scheduled snapshot is taken.")
  public boolean suspend;

  @Default("{}")
  @JsonPropertyDescription("What a snapshot contains.")
  public BackupContents include = new BackupContents();

  @Required
  @JsonPropertyDescription("Where snapshots are written: exactly one of region or s3.")
  public BackupTarget target;

  @Required
  @JsonPropertyDescription(
      "The key snapshots are encrypted with (AES-256-GCM): a key of a Secret in the policy's"
          + " namespace holding 32 random bytes, raw or base64 (openssl rand -base64 32). It is"
          + " never stored with a snapshot: keep a copy outside the cluster, as a restore on a new"
          + " hub needs it.")
  public SecretKeyReference encryptionKeySecretRef;

  @Default("{}")
  @JsonPropertyDescription(
      "Continuous mode: changes reach the target within seconds, so a restore loses seconds of"
          + " changes rather than the schedule's interval.")
  public ContinuousBackupSpec continuous = new ContinuousBackupSpec();

  @Default("{}")
  @JsonPropertyDescription("How long snapshots are kept.")
  public BackupRetention retention = new BackupRetention();

  @Default("{}")
  @JsonPropertyDescription("Recovery objectives the policy is measured against.")
  public RecoveryObjectives objectives = new RecoveryObjectives();

  @Default("{}")
  @JsonPropertyDescription("Scheduled restore drills into a scratch namespace.")
  public DrillSpec drill = new DrillSpec();
}
