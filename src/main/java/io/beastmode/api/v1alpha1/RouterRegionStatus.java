package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

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

  @JsonPropertyDescription(
      "Where the region stands in failover: Active, FailedOver, Recovering, FailingBack or HeldOut.")
  public TrafficStage trafficStage;

  @JsonPropertyDescription(
      "When the region entered its stage or its current failback step (RFC 3339).")
  public String stageSince;

  @JsonPropertyDescription("Index into spec.failover.shiftSteps while failing back.")
  public Integer shiftStep;

  @JsonPropertyDescription(
      "When the region was failed over within the last hour (RFC 3339), for the flap limit.")
  public List<String> failovers = new ArrayList<>();

  @JsonPropertyDescription(
      "Replicas the region must run for its share of traffic (raised before traffic moves to it).")
  public Integer minReplicas;

  @JsonPropertyDescription("Hash of the traffic weights last written to the region.")
  public String trafficHash;

  @JsonPropertyDescription(
      "What scales the region's routers: HorizontalPodAutoscaler or ScaledObject (KEDA); unset without autoscaling.")
  public String autoscaler;

  @JsonPropertyDescription("Replicas the autoscaler last saw running.")
  public Integer currentReplicas;

  @JsonPropertyDescription("When the autoscaler last changed the replicas (RFC 3339).")
  public String lastScaleTime;

  @JsonPropertyDescription(
      "Predictive scaling: highest request rate forecast from now until the lead time ahead.")
  public Double forecastRequestsPerSecond;

  @JsonPropertyDescription(
      "Predictive scaling: how far ahead the forecast looked, at least the routers' observed start-up time.")
  public Integer forecastLeadSeconds;

  @JsonPropertyDescription("Predictive scaling: the minimum replicas the forecast asks for.")
  public Integer predictiveMinReplicas;

  @JsonPropertyDescription(
      "Under the learned selection policy: the candidate policy in force, its estimated PGR and"
          + " strong-model share, and the exploration spent, from the routers' heartbeats.")
  public RouterSelectionStatus selection;
}
