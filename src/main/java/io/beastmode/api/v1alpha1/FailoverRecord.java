package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One failover and when each of its stages happened (RFC 3339). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class FailoverRecord {

  @JsonPropertyDescription("The region traffic moved away from, or back to.")
  public String region;

  @JsonPropertyDescription(
      "Why traffic moved, in CamelCase, for example RegionUnreachable or FailbackStep.")
  public String reason;

  @JsonPropertyDescription("When the failure was detected.")
  public String detectedAt;

  @JsonPropertyDescription("When the new weights were decided.")
  public String decidedAt;

  @JsonPropertyDescription("When the new weights were written to every reachable region.")
  public String appliedAt;

  @JsonPropertyDescription("When routers in every reachable region ran the new weights.")
  public String convergedAt;
}
