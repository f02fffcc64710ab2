package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** How long snapshots are kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupRetention {

  @Default("7")
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Newest snapshots kept.")
  public int keepLast = 7;

  @Min(1)
  @Max(3650)
  @JsonPropertyDescription("Snapshots older than this many days are removed, except the newest.")
  public Integer maxAgeDays;
}
