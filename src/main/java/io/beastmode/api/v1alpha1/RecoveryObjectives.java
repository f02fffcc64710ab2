package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Recovery point and time objectives. */
public class RecoveryObjectives {

  @Default("3600")
  @Min(1)
  @Max(2592000)
  @JsonPropertyDescription("Most seconds of changes a restore may lose.")
  public int rpoSeconds = 3600;

  @Default("900")
  @Min(1)
  @Max(2592000)
  @JsonPropertyDescription("Most seconds a restore may take.")
  public int rtoSeconds = 900;
}
