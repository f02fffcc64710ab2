package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The learned selection in one region, from its routers' heartbeats: the policy in force and its
 * figures as the router with the most outcomes reports them, the exploration summed over the
 * region's routers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouterSelectionStatus {

  @JsonPropertyDescription(
      "The candidate policy in force on the region's router with the most outcomes.")
  public String policy;

  @JsonPropertyDescription("When that router started following it (RFC 3339).")
  public String since;

  @JsonPropertyDescription("How often that router's policy in force changed since it started.")
  public Long switches;

  @JsonPropertyDescription(
      "Estimated PGR of the policy in force on the region's traffic (0: as the cheap model alone,"
          + " 1: as the strong one), with its 95 % bounds; unset until both models have rated"
          + " answers.")
  public SelectionEstimate pgr;

  @JsonPropertyDescription(
      "Share of decisions the policy in force sends to the strong model, with its 95 % bounds.")
  public SelectionEstimate strongShare;

  @JsonPropertyDescription(
      "Outcomes (ratings, upstream errors, retries, cut-off answers) the estimates rest on.")
  public Long outcomes;

  @JsonPropertyDescription("Learned decisions of the region's routers since they started.")
  public Long decisions;

  @JsonPropertyDescription("Of those, decisions drawn at random (exploration).")
  public Long explored;

  @JsonPropertyDescription(
      "Explored decisions that went against the policy in force: the exploration spent.")
  public Long exploredOffPolicy;

  @JsonPropertyDescription("The configured share of decisions drawn at random.")
  public Double explorationShare;

  @JsonPropertyDescription(
      "Each policy in force among the region's reporting routers, with how many follow it.")
  public List<PolicyReplicas> policies = new ArrayList<>();
}
