package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A volume snapshots are written to. */
public class VolumeTarget {

  @Required
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("Name of the PersistentVolumeClaim.")
  public String claimName;

  @Default("/")
  @Pattern("^/.*")
  @JsonPropertyDescription("Directory within the volume.")
  public String path = "/";
}
