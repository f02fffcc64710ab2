package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Measured burn rates of one rule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BurnRateStatus {

  @JsonPropertyDescription("Name of the rule.")
  public String rule;

  @JsonPropertyDescription("Burn rate over the long window.")
  public Double longWindowRate;

  @JsonPropertyDescription("Burn rate over the short window.")
  public Double shortWindowRate;

  @JsonPropertyDescription(
      "True while both rates of the router as a whole exceed the rule's threshold.")
  public Boolean firing;

  @JsonPropertyDescription("Regions whose own rates exceed the threshold in both windows.")
  public List<String> firingRegions;
}
