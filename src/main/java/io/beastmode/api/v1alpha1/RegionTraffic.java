package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** A region's default share of traffic. */
public class RegionTraffic {

  @Default("100")
  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Relative weight of the region under activeActive failover, 0 to 100.")
  public int weight = 100;

  @Default("100")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Priority under activePassive failover; the lowest value takes traffic first.")
  public int priority = 100;
}
