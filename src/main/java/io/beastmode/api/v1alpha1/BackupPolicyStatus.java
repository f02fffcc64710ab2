package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a BackupPolicy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupPolicyStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the policy is valid and its target reachable.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("When the last snapshot was taken (RFC 3339).")
  public String lastBackupTime;

  @JsonPropertyDescription("The backup-now annotation value the last snapshot was taken for.")
  public String lastBackupRequest;

  @JsonPropertyDescription("The identity of this cluster, which owns the snapshots it writes.")
  public String cluster;

  @JsonPropertyDescription("Snapshots kept, newest first.")
  public List<SnapshotRecord> snapshots;

  @JsonPropertyDescription(
      "The data a restore would lose, in seconds, at the last check: the age of the newest snapshot,"
          + " or in continuous mode the age of the oldest change not yet written (0 when all are).")
  public Long measuredRpoSeconds;

  @JsonPropertyDescription("Continuous mode's progress, while it is on.")
  public ContinuousBackupStatus continuous;

  @JsonPropertyDescription("The last restore drill.")
  public DrillRecord lastDrill;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }
}
