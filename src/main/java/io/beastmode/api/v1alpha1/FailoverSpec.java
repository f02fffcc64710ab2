package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** How traffic moves between regions. */
public class FailoverSpec {

  @Default("activeActive")
  @JsonPropertyDescription(
      "activeActive: every healthy region takes traffic by weight; activePassive: the healthy region of lowest priority takes it all.")
  public FailoverMode mode = FailoverMode.activeActive;

  @Default("[10,25,50,100]")
  @Size(min = 1, max = 10)
  @ValidationRule(
      value = "self.all(s, s >= 1 && s <= 100) && self.isSorted() && self[size(self) - 1] == 100",
      message = "shiftSteps are ascending percentages from 1 to 100 ending at 100")
  @JsonPropertyDescription(
      "Percentages of its full weight a recovered region gets, step by step, when failing back.")
  public List<Integer> shiftSteps = List.of(10, 25, 50, 100);

  @Default("60")
  @Min(0)
  @Max(86400)
  @JsonPropertyDescription(
      "Seconds a region must stay healthy before traffic fails back to it, and between two steps.")
  public int failbackAfterSeconds = 60;

  @Default("3")
  @Min(1)
  @Max(100)
  @JsonPropertyDescription(
      "Failovers of one region within an hour after which it is held out until an operator clears it.")
  public int maxFlapsPerHour = 3;
}
