package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The outcome of one restore drill. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DrillRecord {

  @JsonPropertyDescription("When the drill ran (RFC 3339).")
  public String ranAt;

  @JsonPropertyDescription("True when the restore completed and the restored routers became ready.")
  public Boolean succeeded;

  @JsonPropertyDescription("Measured seconds from start to ready.")
  public Long rtoSeconds;

  @JsonPropertyDescription("Age in seconds of the snapshot restored.")
  public Long rpoSeconds;
}
