package io.beastmode.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** What to back up, how often, where, and for how long. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Categories(ApiGroup.CATEGORY)
@ShortNames("bmbackup")
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ApiGroup.READY_COLUMN,
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Schedule",
    jsonPath = ".spec.schedule",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last Backup",
    jsonPath = ".status.lastBackupTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class BackupPolicy extends CustomResource<BackupPolicySpec, BackupPolicyStatus>
    implements Namespaced {
  /** A new value asks for a snapshot now, whatever the schedule ({@code kubectl annotate}). */
  public static final String BACKUP_NOW_ANNOTATION = "beastmode.io/backup-now";

  /** A new value runs a restore drill now, whatever the drill's schedule. */
  public static final String DRILL_NOW_ANNOTATION = "beastmode.io/drill-now";

  /**
   * "true" lets the policy write into a target that holds another cluster's snapshots (after a
   * restore onto a new hub, for one).
   */
  public static final String TAKE_OVER_TARGET_ANNOTATION = "beastmode.io/take-over-target";

  /**
   * Set on the objects a restore is creating: their controllers leave them alone until the restore
   * completes and removes it.
   */
  public static final String RESTORING_ANNOTATION = "beastmode.io/restoring";
}
