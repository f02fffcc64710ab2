package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Where continuous backup stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContinuousBackupStatus {

  @JsonPropertyDescription("The snapshot the change set is written on top of.")
  public String baseSnapshot;

  @JsonPropertyDescription("The newest change set written: everything changed since the base.")
  public String changeSet;

  @JsonPropertyDescription("When it was written (RFC 3339).")
  public String writtenAt;

  @JsonPropertyDescription("Objects it changes, adds or removes relative to the base.")
  public Integer changedObjects;

  @JsonPropertyDescription("Why the last write failed; absent when it succeeded.")
  public String lastError;

  @JsonPropertyDescription(
      "When the oldest change not yet written was seen (RFC 3339); absent when all are written.")
  public String pendingSince;
}
