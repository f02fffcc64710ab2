package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One signal of the last probe of a region: the API server, the routers or their heartbeats. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProbeSignal {
  /** The signal of the region's API server: whether it answered the probe. */
  public static final String API = "api";

  @JsonPropertyDescription("api, routers or heartbeats.")
  public String name;

  @JsonPropertyDescription(
      "True when the signal is good, False when it failed, Unknown when it could not be read.")
  public ConditionStatus status;

  @JsonPropertyDescription("What the probe saw.")
  public String message;

  public ProbeSignal() {}

  public ProbeSignal(String name, ConditionStatus status, String message) {
    this.name = name;
    this.status = status;
    this.message = message;
  }
}
