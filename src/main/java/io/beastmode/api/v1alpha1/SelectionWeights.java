package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Relative weights of cost, quality and latency in the balanced score. */
@ValidationRule(
    value = "self.cost + self.quality + self.latency > 0.0",
    message = "at least one of the cost, quality and latency weights must be above 0")
public class SelectionWeights {

  @Default("0.4")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Weight of low price, 0 to 1.")
  public double cost = 0.4;

  @Default("0.4")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Weight of high quality, 0 to 1.")
  public double quality = 0.4;

  @Default("0.2")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Weight of low latency, 0 to 1.")
  public double latency = 0.2;
}
