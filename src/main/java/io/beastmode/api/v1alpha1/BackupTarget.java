package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Where snapshots are written. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.region) != has(self.s3)",
    message = "set exactly one of region or s3")
public class BackupTarget {

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "A Region whose cluster stores the snapshots (compressed, in Secrets of the backup namespace).")
  public String region;

  @JsonPropertyDescription("An S3-compatible bucket the snapshots are written to.")
  public S3Target s3;
}
