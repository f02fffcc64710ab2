package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a RestoreRequest. Immutable: a new restore is a new object. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self == oldSelf",
    message = "spec is immutable; create a new RestoreRequest")
@ValidationRule(
    value =
        "self.mode == 'PromoteStandby' ? has(self.standbyRegion) : (has(self.backupPolicyRef) || has(self.source))",
    message = "Restore needs backupPolicyRef or source; PromoteStandby needs standbyRegion")
@ValidationRule(
    value = "!has(self.source) || has(self.encryptionKeySecretRef)",
    message =
        "a restore from a source needs encryptionKeySecretRef: the key its snapshots are sealed with",
    fieldPath = ".encryptionKeySecretRef")
public class RestoreRequestSpec {

  @Default("Restore")
  @JsonPropertyDescription(
      "Restore: recreate the platform from a snapshot; PromoteStandby: make a standby hub the active one.")
  public RestoreMode mode = RestoreMode.Restore;

  @JsonPropertyDescription("The BackupPolicy whose target holds the snapshot.")
  public NamedReference backupPolicyRef;

  @JsonPropertyDescription(
      "Where the snapshot is, when no BackupPolicy exists here (a new hub after a disaster).")
  public BackupTarget source;

  @JsonPropertyDescription(
      "The key the snapshots are encrypted with, in a Secret of this namespace; absent: the"
          + " BackupPolicy's.")
  public SecretKeyReference encryptionKeySecretRef;

  @Default("latest")
  @Pattern("^(latest|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$")
  @JsonPropertyDescription("Name of the snapshot, or latest.")
  public String snapshot = "latest";

  @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
  @JsonPropertyDescription(
      "Namespace to restore into; absent means the namespaces the objects came from.")
  public String targetNamespace;

  @Default("false")
  @JsonPropertyDescription(
      "Replace objects that exist here and differ from the snapshot; by default they are kept"
          + " and listed in status.conflicts.")
  public boolean replaceExisting;

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @JsonPropertyDescription("The Region whose standby hub is promoted, with PromoteStandby.")
  public String standbyRegion;

  @Default("false")
  @JsonPropertyDescription(
      "With PromoteStandby: the old hub is gone for certain, so its hub Leases are taken at once"
          + " instead of after they expire.")
  public boolean oldHubGone;
}
