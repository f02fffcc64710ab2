package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a ModelPool. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelPoolStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the pool is valid and usable by routers.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Number of models in the pool.")
  public Integer modelCount;

  @JsonPropertyDescription("Health of each model as the routers observe it.")
  public List<ModelHealth> models;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }
}
