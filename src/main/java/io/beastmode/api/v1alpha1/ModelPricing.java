package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** Price of a model in USD per million tokens. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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

  @Min(0)
  @Max(10000)
  @JsonPropertyDescription(
      "USD per million input tokens read from the provider's prompt cache; default"
          + " inputPerMillion.")
  public Double cacheReadPerMillion;

  @Min(0)
  @Max(10000)
  @JsonPropertyDescription(
      "USD per million input tokens written to the provider's prompt cache (Anthropic charges"
          + " extra for them); default inputPerMillion.")
  public Double cacheWritePerMillion;

  public ModelPricing() {}

  public ModelPricing(double inputPerMillion, double outputPerMillion) {
    this.inputPerMillion = inputPerMillion;
    this.outputPerMillion = outputPerMillion;
  }
}
