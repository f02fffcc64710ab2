package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One snapshot. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SnapshotRecord {

  @JsonPropertyDescription("Name of the snapshot.")
  public String name;

  @JsonPropertyDescription("When it was taken (RFC 3339).")
  public String takenAt;

  @JsonPropertyDescription("Objects it holds.")
  public Integer objects;

  @JsonPropertyDescription("Compressed size in bytes.")
  public Long sizeBytes;
}
