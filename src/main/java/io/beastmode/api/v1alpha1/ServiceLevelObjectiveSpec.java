package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Desired state of a ServiceLevelObjective. */
public class ServiceLevelObjectiveSpec {

  @Required
  @JsonPropertyDescription("The LLMRouter (in this namespace) the objective applies to.")
  public NamedReference routerRef;

  @Required
  @JsonPropertyDescription("The targets; at least one must be set.")
  public SloTargets targets;

  @Default("30")
  @Min(1)
  @Max(90)
  @JsonPropertyDescription("Days over which the error budget is counted.")
  public int windowDays = 30;

  @Default("30")
  @Min(5)
  @Max(3600)
  @JsonPropertyDescription("Seconds between evaluations of the indicators and rules.")
  public int evaluationIntervalSeconds = 30;

  @Default("300")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription(
      "Least seconds an action stays in force, and before an undone action may be taken again.")
  public int actionCooldownSeconds = 300;

  @Default("[]")
  @Size(max = 8)
  @ValidationRule(
      value = "self.all(r, self.exists_one(o, o.name == r.name))",
      message = "burn-rate rule names must be unique")
  @JsonPropertyDescription("Multi-window burn-rate rules and the actions they trigger.")
  public List<BurnRateRule> burnRateRules = List.of();
}
