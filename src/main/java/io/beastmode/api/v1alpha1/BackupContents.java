package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What a snapshot contains. */
public class BackupContents {

  @Default("true")
  @JsonPropertyDescription("All BEAST MODE resources in the namespace, and the Regions they use.")
  public boolean resources = true;

  @Default("true")
  @JsonPropertyDescription("Secrets the resources reference (credentials, kubeconfigs).")
  public boolean secrets = true;

  @Default("true")
  @JsonPropertyDescription("Router state kept in Redis: learned selection statistics and budgets.")
  public boolean routerState = true;
}
