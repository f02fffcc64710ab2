package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** An estimate with its 95 % bounds. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SelectionEstimate {

  @JsonPropertyDescription("The estimate.")
  public Double estimate;

  @JsonPropertyDescription("Lower 95 % bound.")
  public Double low;

  @JsonPropertyDescription("Upper 95 % bound.")
  public Double high;

  public SelectionEstimate() {}

  public SelectionEstimate(double estimate, double low, double high) {
    this.estimate = estimate;
    this.low = low;
    this.high = high;
  }
}
