package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How many of a region's routers follow one candidate policy. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyReplicas {

  @JsonPropertyDescription("The candidate policy: blend, learned, length or structure.")
  public String policy;

  @JsonPropertyDescription("Routers of the region that follow it.")
  public Integer replicas;

  public PolicyReplicas() {}

  public PolicyReplicas(String policy, int replicas) {
    this.policy = policy;
    this.replicas = replicas;
  }
}
