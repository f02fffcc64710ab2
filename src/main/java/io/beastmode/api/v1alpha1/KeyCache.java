package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** How the semantic cache treats one key's requests: it may only narrow the router's setting. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KeyCache {

  @Min(0.0001)
  @Max(0.2)
  @ValidationRule(
      value = "double(self) >= 0.0001 && double(self) <= 0.2",
      message = "maxWrongRate must be within [0.0001, 0.2]")
  @JsonPropertyDescription(
      "A lower share of wrong answers than the router's for this key's requests; a higher one is"
          + " ignored (the router's bound holds).")
  public Double maxWrongRate;

  @JsonPropertyDescription(
      "Shadow mode for this key's requests even when the router serves semantic hits.")
  public Boolean shadow;
}
