package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One region an LLMRouter runs in. */
public class RegionPlacement {

  @Required
  @Size(min = 1, max = 63)
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the Region.")
  public String name;

  @Default("2")
  @Min(0)
  @Max(1000)
  @JsonPropertyDescription(
      "Router replicas in the region when autoscaling is off; the floor of the autoscaler otherwise.")
  public int replicas = 2;

  public RegionPlacement() {}

  public RegionPlacement(String name, int replicas) {
    this.name = name;
    this.replicas = replicas;
  }
}
