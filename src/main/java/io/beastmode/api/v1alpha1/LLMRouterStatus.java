package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Observed state of an LLMRouter. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LLMRouterStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: every placed region runs its routers with the current config.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Ready regions over placed regions, for example 2/3.")
  public String readyRegions;

  @JsonPropertyDescription("Per region: replicas, traffic weight and health.")
  public List<RouterRegionStatus> regions = new ArrayList<>();

  @JsonPropertyDescription(
      "Under the learned selection policy: the candidate policy in force, or each one with the"
          + " regions following it when they differ, for example length or blend (eu), length (us).")
  public String policyInForce;

  @JsonPropertyDescription("The last failover, with its measured times.")
  public FailoverRecord lastFailover;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }

  /** The entry of one region in a router's status; empty before the first reconcile. */
  public static Optional<RouterRegionStatus> region(LLMRouterStatus status, String region) {
    return status == null
        ? Optional.empty()
        : status.regions.stream().filter(r -> region.equals(r.name)).findFirst();
  }
}
