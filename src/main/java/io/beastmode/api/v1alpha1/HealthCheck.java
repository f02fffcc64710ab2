package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** How a region is probed and when its health changes. */
@ValidationRule(
    value = "self.timeoutSeconds <= self.intervalSeconds",
    message = "timeoutSeconds must not exceed intervalSeconds",
    fieldPath = ".timeoutSeconds")
public class HealthCheck {

  @Default("10")
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription("Seconds between two probes.")
  public int intervalSeconds = 10;

  @Default("5")
  @Min(1)
  @Max(300)
  @JsonPropertyDescription("Seconds a probe may take before it counts as failed.")
  public int timeoutSeconds = 5;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Consecutive failed probes that mark the region Unreachable.")
  public int failureThreshold = 3;

  @Default("2")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Consecutive successful probes that mark an Unreachable region Healthy again.")
  public int successThreshold = 2;
}
