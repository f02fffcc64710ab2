package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Horizontal autoscaling of routers in each region. */
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas",
    fieldPath = ".minReplicas")
public class AutoscalingSpec {

  @Default("true")
  @JsonPropertyDescription(
      "Run a HorizontalPodAutoscaler per region; when false, each region runs its placement's replicas.")
  public boolean enabled = true;

  @Default("1")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Fewest replicas per region (a placement's replicas raise it).")
  public int minReplicas = 1;

  @Default("10")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most replicas per region.")
  public int maxReplicas = 10;

  @Default("32")
  @Min(1)
  @Max(100000)
  @JsonPropertyDescription("Target of in-flight requests per router pod.")
  public int targetInFlightPerPod = 32;

  @Default("70")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription("Target CPU utilisation per router pod, in percent of its request.")
  public int targetCpuUtilizationPercent = 70;

  @Default("300")
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription("Seconds of lower recommendations before scaling in.")
  public int scaleDownStabilizationSeconds = 300;

  @Default("4")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most pods added per minute when scaling out.")
  public int scaleUpPodsPerMinute = 4;

  @Default("false")
  @JsonPropertyDescription(
      "Raise minReplicas ahead of forecast load; never scales in on a forecast.")
  public boolean predictive;

  @Default("120")
  @Min(0)
  @Max(3600)
  @JsonPropertyDescription(
      "Least seconds the forecast looks ahead; the routers' observed start-up time raises it.")
  public int predictiveLeadSeconds = 120;

  // The API server compares an integer with a fractional minimum truncated: 0 would pass 0.001.
  @Min(0.001)
  @ValidationRule(
      value = "double(self) >= 0.001",
      message = "requestsPerSecondPerReplica must be at least 0.001")
  @JsonPropertyDescription(
      "Requests per second one replica takes at its target; when unset, learned from heartbeats (target in-flight / mean latency).")
  public Double requestsPerSecondPerReplica;

  @Default("http://prometheus-operated.monitoring.svc:9090")
  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "Prometheus that KEDA's trigger queries for router in-flight requests, where KEDA is installed.")
  public String prometheusAddress = "http://prometheus-operated.monitoring.svc:9090";
}
