package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a ServiceLevelObjective. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceLevelObjectiveStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the objective is evaluated; Met: every target is met.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Current service level indicators.")
  public SloIndicators indicators;

  @JsonPropertyDescription("Share of the error budget left in the window, in percent.")
  public Double errorBudgetRemainingPercent;

  @JsonPropertyDescription("Burn rates of each rule over its windows.")
  public List<BurnRateStatus> burnRates;

  @JsonPropertyDescription("Actions taken, most recent first.")
  public List<SloActionRecord> lastActions;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }
}
