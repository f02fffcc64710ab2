package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** How good a model's answers are, from 0 (useless) to 1 (always right). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelQuality {

  @Default("0.5")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Overall quality score from 0 to 1.")
  public double score = 0.5;

  @Size(max = 32)
  @ValidationRule(
      value = "self.all(k, self[k] >= 0.0 && self[k] <= 1.0)",
      message = "domain scores must be between 0 and 1")
  @JsonPropertyDescription(
      "Quality per domain (for example code, math, law) from 0 to 1; overrides score for requests of that domain.")
  public Map<String, Double> domains;
}
