package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Fires when the error budget burns faster than burnRate over both windows. */
@ValidationRule(
    value = "duration(self.shortWindow) < duration(self.longWindow)",
    message = "shortWindow must be shorter than longWindow",
    fieldPath = ".shortWindow")
public class BurnRateRule {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @Size(max = 63)
  @JsonPropertyDescription("Name of the rule.")
  public String name;

  @Required
  @Pattern("^[0-9]+(s|m|h)$")
  @JsonPropertyDescription("Long window, for example 1h.")
  public String longWindow;

  @Required
  @Pattern("^[0-9]+(s|m|h)$")
  @JsonPropertyDescription("Short window, for example 5m.")
  public String shortWindow;

  @Required
  // The API server compares an integer with a fractional minimum truncated: 0 would pass 0.1.
  @Min(0.1)
  @Max(1000)
  @ValidationRule(
      value = "double(self) >= 0.1 && double(self) <= 1000.0",
      message = "burnRate must be within [0.1, 1000]")
  @JsonPropertyDescription(
      "Burn rate (multiple of the even spend) both windows must exceed, for example 14.4.")
  public double burnRate;

  @Required
  @Size(min = 1, max = 4)
  @JsonPropertyDescription(
      "Actions when the rule fires: ScaleUp, ShiftTraffic, DegradeModel, Alert.")
  public List<SloAction> actions;
}
