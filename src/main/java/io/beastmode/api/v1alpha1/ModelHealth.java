package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Health of one model as the routers observe it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelHealth {

  @JsonPropertyDescription("Name of the model.")
  public String name;

  @JsonPropertyDescription(
      "Circuit breaker state over the routers: Closed, Open, HalfOpen or Unknown.")
  public CircuitState circuit;

  @JsonPropertyDescription("Observed p95 upstream latency in milliseconds.")
  public Long p95LatencyMillis;

  @JsonPropertyDescription("Observed share of failed upstream calls, 0 to 1.")
  public Double errorRate;

  public ModelHealth() {}

  public ModelHealth(String name, CircuitState circuit) {
    this.name = name;
    this.circuit = circuit;
  }
}
