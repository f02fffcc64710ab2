package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The outcome of one restore drill. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DrillRecord {

  @JsonPropertyDescription("When the drill ran (RFC 3339).")
  public String ranAt;

  @JsonPropertyDescription(
      "True when the snapshot opened and every object of it was restored into the scratch namespace (and removed again).")
  public Boolean succeeded;

  @JsonPropertyDescription(
      "Measured seconds to fetch, open, verify and apply the snapshot in the scratch namespace.")
  public Long rtoSeconds;

  @JsonPropertyDescription("Age in seconds of the snapshot restored.")
  public Long rpoSeconds;

  @JsonPropertyDescription("The snapshot restored.")
  public String snapshot;

  @JsonPropertyDescription("Objects restored into the scratch namespace, then removed.")
  public Integer objects;

  @JsonPropertyDescription("What went wrong, when the drill failed.")
  public String message;

  @JsonPropertyDescription("The drill-now annotation value this drill ran for.")
  public String request;
}
