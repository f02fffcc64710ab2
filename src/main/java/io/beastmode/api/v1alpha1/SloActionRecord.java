package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An action the operator took for an objective. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloActionRecord {

  @JsonPropertyDescription("The action taken.")
  public SloAction action;

  @JsonPropertyDescription("The region it applied to, if any.")
  public String region;

  @JsonPropertyDescription("Why, naming the rule and its rates.")
  public String reason;

  @JsonPropertyDescription("For ScaleUp: the fewest replicas the region runs while it is in force.")
  public Integer replicas;

  @JsonPropertyDescription("When it was taken (RFC 3339).")
  public String takenAt;

  @JsonPropertyDescription("When it was undone (RFC 3339), once the burn stopped.")
  public String undoneAt;
}
