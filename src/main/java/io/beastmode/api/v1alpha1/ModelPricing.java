package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Price of a model in USD per million tokens. */
public class ModelPricing {

  @Required
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("USD per million input (prompt) tokens.")
  public double inputPerMillion;

  @Required
  @Min(0)
  @Max(10000)
  @JsonPropertyDescription("USD per million output (completion) tokens.")
  public double outputPerMillion;

  public ModelPricing() {}

  public ModelPricing(double inputPerMillion, double outputPerMillion) {
    this.inputPerMillion = inputPerMillion;
    this.outputPerMillion = outputPerMillion;
  }
}
