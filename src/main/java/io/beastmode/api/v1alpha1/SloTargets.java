package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** What the router must achieve. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "has(self.p95LatencyMillis) || has(self.errorRatePercent) || has(self.availabilityPercent)"
            + " || has(self.minCacheHitRatePercent) || has(self.maxCostPerThousandRequestsUsd)",
    message = "set at least one target")
public class SloTargets {

  @Min(1)
  @Max(600000)
  @JsonPropertyDescription("95th percentile of router latency, in milliseconds.")
  public Integer p95LatencyMillis;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Highest share of failed requests, in percent.")
  public Double errorRatePercent;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Lowest share of successful requests, in percent, for example 99.9.")
  public Double availabilityPercent;

  @Min(0)
  @Max(100)
  @JsonPropertyDescription("Lowest cache hit rate, in percent.")
  public Double minCacheHitRatePercent;

  @Min(0)
  @JsonPropertyDescription("Highest model cost per 1,000 requests, in USD.")
  public Double maxCostPerThousandRequestsUsd;
}
