package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** A scheduled restore drill. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!self.enabled || (has(self.schedule) && has(self.scratchNamespace))",
    message = "an enabled drill needs a schedule and a scratchNamespace",
    fieldPath = ".schedule")
public class DrillSpec {

  @Default("false")
  @JsonPropertyDescription("Run restore drills on schedule.")
  public boolean enabled;

  @Pattern(CronPattern.SCHEDULE)
  @JsonPropertyDescription("When to run a drill (cron, UTC).")
  public String schedule;

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription("Namespace the drill restores into; emptied after each drill.")
  public String scratchNamespace;
}
