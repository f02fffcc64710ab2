package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a Region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RegionStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the region is usable for traffic.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription(
      "Health of the region: Healthy, Degraded, Unreachable, Draining or Unknown.")
  public RegionPhase phase;

  @JsonPropertyDescription("When the region was last probed (RFC 3339).")
  public String lastProbeTime;

  @JsonPropertyDescription(
      "Whether the region takes traffic: it stops after healthCheck.failureThreshold failed probes and resumes after successThreshold good ones.")
  public Boolean serving;

  @JsonPropertyDescription(
      "When serving last changed (RFC 3339 with milliseconds): the moment a failure or recovery was detected.")
  public String servingChangedAt;

  @JsonPropertyDescription(
      "What each signal of the last probe saw; the failed ones say why the region is not Healthy.")
  public List<ProbeSignal> signals = new ArrayList<>();

  @JsonPropertyDescription("Router pods whose heartbeat in the region's Redis is fresh.")
  public Integer liveRouters;

  @JsonPropertyDescription("Round-trip time of the last successful API probe, in milliseconds.")
  public Long apiLatencyMillis;

  @JsonPropertyDescription("Consecutive failed probes so far.")
  public Integer consecutiveFailures;

  @JsonPropertyDescription("Consecutive successful probes so far.")
  public Integer consecutiveSuccesses;

  @JsonPropertyDescription("Router replicas ready in the region, over all LLMRouters.")
  public Integer routersReady;

  @JsonPropertyDescription("Router replicas desired in the region, over all LLMRouters.")
  public Integer routersDesired;

  @JsonPropertyDescription(
      "The Redis master (host:port) the region's sentinels named at the last probe; set only for"
          + " a Region whose Redis is a Sentinel set. A change is a failover: the RedisFailover"
          + " condition and a Warning Event say so.")
  public String redisMaster;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }

  /**
   * Whether the region serves traffic. Status written before {@code serving} was recorded has only
   * a phase: a region that was up (Healthy or Degraded) is taken as serving.
   */
  public boolean serves() {
    return serving != null
        ? serving
        : phase == RegionPhase.Healthy || phase == RegionPhase.Degraded;
  }
}
