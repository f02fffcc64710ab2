package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** A circuit breaker per backend: opens on failures, then lets probes through. */
public class CircuitBreakerSpec {

  // The API server compares an integer with a fractional minimum truncated: 0 would pass 0.01.
  @Default("0.5")
  @Min(0.01)
  @Max(1)
  @ValidationRule(
      value = "double(self) >= 0.01 && double(self) <= 1.0",
      message = "failureRatio must be within [0.01, 1]")
  @JsonPropertyDescription("Share of failed calls in the rolling window that opens the circuit.")
  public double failureRatio = 0.5;

  @Default("20")
  @Min(1)
  @Max(10000)
  @JsonPropertyDescription("Size of the rolling window of calls.")
  public int requestVolumeThreshold = 20;

  @Default("30")
  @Min(1)
  @Max(3600)
  @JsonPropertyDescription("Seconds an open circuit waits before letting probe calls through.")
  public int delaySeconds = 30;

  @Default("2")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Successful probe calls that close the circuit again.")
  public int successThreshold = 2;
}
