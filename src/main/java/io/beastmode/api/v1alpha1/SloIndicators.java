package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Measured service level indicators over the window. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SloIndicators {

  @JsonPropertyDescription("95th percentile of router latency, in milliseconds.")
  public Double p95LatencyMillis;

  @JsonPropertyDescription("Share of failed requests, in percent.")
  public Double errorRatePercent;

  @JsonPropertyDescription("Share of successful requests, in percent.")
  public Double availabilityPercent;

  @JsonPropertyDescription("Cache hit rate, in percent.")
  public Double cacheHitRatePercent;

  @JsonPropertyDescription("Model cost per 1,000 requests, in USD.")
  public Double costPerThousandRequestsUsd;
}
