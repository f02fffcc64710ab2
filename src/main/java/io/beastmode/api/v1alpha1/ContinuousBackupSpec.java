package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

/** Writing changes as they happen, between the scheduled snapshots. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ContinuousBackupSpec {

  @Default("false")
  @JsonPropertyDescription(
      "Write changes of the included objects to the target within seconds, as a change set on top"
          + " of the newest snapshot (Kubernetes objects only; router state is taken with each"
          + " scheduled snapshot).")
  public boolean enabled;

  @Default("2")
  @Min(1)
  @Max(300)
  @JsonPropertyDescription(
      "Change sets are written at most this often (seconds): a change waits at most this long"
          + " before its write starts.")
  public int intervalSeconds = 2;
}
