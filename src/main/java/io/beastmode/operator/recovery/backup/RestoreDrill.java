package io.beastmode.operator.recovery.backup;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.DrillRecord;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.recovery.restore.RestoreApplier;
import io.beastmode.operator.recovery.restore.RestorePoints;
import io.beastmode.operator.recovery.restore.RouterState;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A restore drill: the newest snapshot fetched, opened with the policy's key and checked, and its
 * namespaced objects applied into the scratch namespace, held so that nothing is deployed from
 * them, then removed again. What it records is what a real restore's first part would take.
 */
public final class RestoreDrill {
  private final KubernetesClient hub;
  private final RouterState routerState;
  private final Clock clock;

  public RestoreDrill(KubernetesClient hub, RouterState routerState, Clock clock) {
    this.hub = hub;
    this.routerState = routerState;
    this.clock = clock;
  }

  public DrillRecord run(
      BackupPolicy policy, SnapshotStore store, SnapshotKey key, String request) {
    Instant started = clock.instant();
    var record = new DrillRecord();
    record.ranAt = Timestamps.format(started);
    record.request = request;
    record.succeeded = false;
    String scratch = policy.getSpec().drill.scratchNamespace;
    if (scratch == null) {
      record.message = "no scratchNamespace to restore into";
      return record;
    }
    try {
      var latest = RestorePoints.latest(store, policy.getMetadata().getName(), key);
      record.snapshot = latest.name();
      Snapshot snapshot = latest.snapshot();
      record.rpoSeconds = Duration.between(snapshot.manifest().takenAt(), started).toSeconds();
      String holder =
          "drill:" + policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
      try (var client = RestoreApplier.client(hub)) {
        var applier = new RestoreApplier(client, routerState);
        var outcome = applier.drill(snapshot, scratch, holder);
        long expected = snapshot.objects().stream().filter(o -> o.namespace() != null).count();
        record.objects = outcome.created().size();
        record.rtoSeconds =
            (long) Math.ceil(Duration.between(started, clock.instant()).toMillis() / 1000.0);
        applier.empty(outcome.created());
        if (outcome.created().size() != expected) {
          record.message =
              outcome.created().size()
                  + " of "
                  + expected
                  + " objects could be restored; "
                  + outcome.conflicts().size()
                  + " were in the way: "
                  + outcome.conflicts();
          return record;
        }
      }
      record.succeeded = true;
    } catch (SnapshotStore.Unavailable | SnapshotStore.Missing e) {
      record.message = e.getMessage();
    } catch (SnapshotRejected e) {
      record.message = "the snapshot does not open: " + e.getMessage();
    } catch (KubernetesClientException e) {
      record.message = "applying into " + scratch + " failed: " + CallFailures.describe(e);
    }
    return record;
  }
}
