package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How much routing a region can do. */
public class RegionCapacity {

  @Default("20")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most router replicas the region may run, whatever an LLMRouter asks.")
  public int maxRouterReplicas = 20;

  @Default("50")
  @Min(1)
  @JsonPropertyDescription(
      "Requests per second one router replica serves at its SLO; used to size failover targets.")
  public int requestsPerSecondPerReplica = 50;
}
