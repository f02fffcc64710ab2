package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** State of an LLMRouter in one region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterRegionStatus {

  @JsonPropertyDescription("Name of the Region.")
  public String name;

  @JsonPropertyDescription("Router replicas the region's Deployment asks for.")
  public Integer desiredReplicas;

  @JsonPropertyDescription("Router replicas ready in the region.")
  public Integer readyReplicas;

  @JsonPropertyDescription("Share of traffic the region takes, 0 to 100.")
  public Integer trafficWeight;

  @JsonPropertyDescription("Health of the region.")
  public RegionPhase health;

  @JsonPropertyDescription("Hash of the routing config the region's routers run.")
  public String configHash;
}
