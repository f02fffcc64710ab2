package io.beastmode.operator.recovery.backup;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicyStatus;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.SnapshotRecord;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.recovery.restore.RestorePoints;
import io.beastmode.operator.recovery.restore.Restores;
import io.beastmode.operator.recovery.restore.RouterState;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.operator.recovery.store.SnapshotStores;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Takes a policy's snapshots on schedule (or on a new backup-now annotation): reads them, seals
 * them with the policy's key, writes them to its target, prunes by retention, and reports the
 * snapshots kept and the RPO in status. A target another cluster owns is never written unless the
 * policy says to take it over; a policy a restore is creating waits for the restore.
 */
@ControllerConfiguration(name = "backuppolicy", generationAwareEventProcessing = false)
public class BackupPolicyReconciler implements Reconciler<BackupPolicy> {
  /** Refreshes the measured RPO in status, and picks up a target that became reachable. */
  static final Duration RECHECK = Duration.ofMinutes(1);

  private final KubernetesClient hub;
  private final RegionClients regions;
  private final SnapshotStores stores;
  private final SnapshotCollector collector;
  private final RestoreDrill drill;
  private final ContinuousBackups continuous;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Conditions conditions;
  private final Events events;
  private final Map<String, AtomicLong> sizes = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  public BackupPolicyReconciler(
      KubernetesClient hub,
      RegionClients regions,
      RegionRedisClients redis,
      MeterRegistry registry,
      Clock clock,
      @ConfigProperty(name = "quarkus.application.version") String operatorVersion) {
    this.hub = hub;
    this.regions = regions;
    this.stores = new SnapshotStores(hub, regions);
    var routerState = new RouterState(redis, clock);
    this.collector = new SnapshotCollector(hub, routerState, operatorVersion);
    this.drill = new RestoreDrill(hub, routerState, clock);
    this.continuous = new ContinuousBackups(hub, stores, collector, clock);
    this.registry = registry;
    this.clock = clock;
    this.conditions = new Conditions(clock);
    this.events = new Events(hub, clock);
  }

  /** Stops continuous mode's watches and writes when the operator stops. */
  @PreDestroy
  public void close() {
    continuous.close();
  }

  @Override
  public UpdateControl<BackupPolicy> reconcile(BackupPolicy policy, Context<BackupPolicy> context) {
    if (RestoreHold.held(policy)) {
      continuous.stop(policy);
      return UpdateControl.<BackupPolicy>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    var previous = policy.getStatus();
    var status = new BackupPolicyStatus();
    status.observedGeneration = policy.getMetadata().getGeneration();
    if (previous != null) {
      status.lastBackupTime = previous.lastBackupTime;
      status.lastBackupRequest = previous.lastBackupRequest;
      status.snapshots = previous.snapshots;
      status.lastDrill = previous.lastDrill;
    }
    if (regions.hubFenced()) {
      // Two hubs writing one target would interleave two histories; the newer hub writes it now.
      continuous.stop(policy);
      conditions.set(
          status,
          previous,
          status.observedGeneration,
          Conditions.ready(
              ConditionStatus.False,
              "HubFenced",
              "a newer hub took over; this hub takes no more snapshots"));
      return StatusPatch.ifChanged(policy, status, context);
    }
    var due = BackupDue.snapshot(policy, now);
    if (!continuousMode(policy)) {
      continuous.stop(policy);
    }
    var ready = backUp(policy, due, status, now);
    var progress = continuous.progress(policy);
    status.continuous = progress.map(ContinuousBackups.Progress::status).orElse(null);
    status.measuredRpoSeconds =
        progress.isPresent()
            ? Long.valueOf(progress.get().rpo(now).toSeconds())
            : status.lastBackupTime == null
                ? null
                : Duration.between(Timestamps.parse(status.lastBackupTime), now).toSeconds();
    conditions.set(status, previous, status.observedGeneration, ready);
    Duration untilDue = Duration.between(now, due.next()).plusSeconds(1);
    return StatusPatch.ifChanged(policy, status, context)
        .rescheduleAfter(untilDue.compareTo(RECHECK) < 0 ? untilDue : RECHECK);
  }

  /** Takes a snapshot when due and prunes; the Ready condition it came to. */
  private io.beastmode.api.v1alpha1.Condition backUp(
      BackupPolicy policy, BackupDue due, BackupPolicyStatus status, Instant now) {
    String namespace = policy.getMetadata().getNamespace();
    SnapshotKey key;
    try {
      key = key(policy);
    } catch (SnapshotKey.Invalid e) {
      return failed(policy, "EncryptionKeyMissing", e.getMessage());
    }
    try (var store = stores.open(policy.getSpec().target, namespace)) {
      status.cluster = Restores.clusterId(hub);
      String owner = store.owner();
      boolean takeOver =
          "true".equals(annotation(policy, BackupPolicy.TAKE_OVER_TARGET_ANNOTATION));
      if (owner != null && !owner.equals(status.cluster) && !takeOver) {
        return failed(
            policy,
            "TargetOwnedByAnotherCluster",
            "the target holds snapshots of cluster "
                + owner
                + "; annotate the policy "
                + BackupPolicy.TAKE_OVER_TARGET_ANNOTATION
                + "=true to write there");
      }
      if (!status.cluster.equals(owner)) {
        store.claim(status.cluster);
      }
      Integer objects = null;
      String taken = null;
      // Continuous mode writes on top of a whole snapshot this process took: take one to start.
      if (due.take() || (continuousMode(policy) && !continuous.running(policy))) {
        long started = System.nanoTime();
        Snapshot snapshot = collector.collect(policy, status.cluster, now);
        byte[] sealed = SnapshotSeal.seal(snapshot, key);
        taken = SnapshotNames.of(policy.getMetadata().getName(), now);
        store.put(taken, sealed);
        OperatorMeters.BACKUP_DURATION
            .timer(registry, id(policy))
            .record(Duration.ofNanos(System.nanoTime() - started));
        gauge(sizes, OperatorMeters.BACKUP_SIZE, policy).set(sealed.length);
        gauge(lastSuccess, OperatorMeters.BACKUP_LAST_SUCCESS, policy).set(now.getEpochSecond());
        objects = snapshot.manifest().objectCount();
        status.lastBackupTime = Timestamps.format(now);
        if (due.request() != null) {
          status.lastBackupRequest = due.request();
        }
        if (continuousMode(policy)) {
          continuous.start(policy, status.cluster, taken, snapshot, key);
        }
        events.normal(
            policy,
            "SnapshotTaken",
            taken + ": " + objects + " objects, " + sealed.length + " bytes sealed");
      }
      // Other policies may keep snapshots in the same place: only this one's are its business.
      var all = store.list();
      var stored = mine(all, policy);
      var retention = policy.getSpec().retention;
      String newest = stored.isEmpty() ? null : stored.get(0).name();
      var expired =
          Retention.toDelete(stored, retention.keepLast, retention.maxAgeDays, newest, now);
      for (String old : expired) {
        store.delete(old);
      }
      // A newer whole snapshot holds what older change sets held: they are folded into it.
      for (String folded : RestorePoints.foldedChangeSets(all, policy, newest)) {
        store.delete(folded);
      }
      var kept = stored.stream().filter(s -> !expired.contains(s.name())).toList();
      status.snapshots = records(kept, status.snapshots, taken, objects);
      var drillDue = BackupDue.drill(policy, now);
      if (drillDue.take()) {
        var record = drill.run(policy, store, key, drillDue.request());
        status.lastDrill = record;
        OperatorMeters.BACKUP_DRILLS
            .counter(registry, id(policy), record.succeeded ? "succeeded" : "failed")
            .increment();
        if (record.succeeded) {
          events.normal(
              policy,
              "DrillSucceeded",
              record.snapshot
                  + ": "
                  + record.objects
                  + " objects restored into "
                  + policy.getSpec().drill.scratchNamespace
                  + " in "
                  + record.rtoSeconds
                  + " s, then removed");
        } else {
          events.warning(policy, "DrillFailed", record.message);
        }
      }
      if (status.lastDrill != null && Boolean.FALSE.equals(status.lastDrill.succeeded)) {
        return Conditions.ready(
            ConditionStatus.False,
            "DrillFailed",
            "the last drill failed: " + status.lastDrill.message);
      }
      return Conditions.ready(
          ConditionStatus.True,
          "Scheduled",
          (status.snapshots.isEmpty() ? "no snapshot yet" : "last " + status.snapshots.get(0).name)
              + "; next at "
              + Timestamps.format(due.next()));
    } catch (SnapshotStore.Unavailable e) {
      return failed(policy, "TargetUnavailable", e.getMessage());
    }
  }

  private static boolean continuousMode(BackupPolicy policy) {
    return policy.getSpec().continuous.enabled && !policy.getSpec().suspend;
  }

  private static List<SnapshotStore.Stored> mine(
      List<SnapshotStore.Stored> stored, BackupPolicy policy) {
    return stored.stream()
        .filter(s -> SnapshotNames.of(s.name(), policy.getMetadata().getName()))
        .toList();
  }

  private io.beastmode.api.v1alpha1.Condition failed(
      BackupPolicy policy, String reason, String message) {
    OperatorMeters.BACKUP_FAILURES.counter(registry, id(policy), reason).increment();
    events.warning(policy, reason, message);
    return Conditions.ready(ConditionStatus.False, reason, message);
  }

  /** The snapshots in the store, with the object counts known from earlier records. */
  private static List<SnapshotRecord> records(
      List<SnapshotStore.Stored> stored,
      List<SnapshotRecord> known,
      String taken,
      Integer objects) {
    var records = new ArrayList<SnapshotRecord>();
    for (var snapshot : stored) {
      var record = new SnapshotRecord();
      record.name = snapshot.name();
      record.sizeBytes = snapshot.sizeBytes();
      record.takenAt = SnapshotNames.takenAt(snapshot.name()).map(Timestamps::format).orElse(null);
      record.objects = snapshot.name().equals(taken) ? objects : null;
      if (known != null && record.objects == null) {
        for (var k : known) {
          if (snapshot.name().equals(k.name)) {
            record.objects = k.objects;
          }
        }
      }
      records.add(record);
    }
    return records;
  }

  private SnapshotKey key(BackupPolicy policy) throws SnapshotKey.Invalid {
    String namespace = policy.getMetadata().getNamespace();
    var ref = policy.getSpec().encryptionKeySecretRef;
    return stores
        .key(namespace, ref)
        .orElseThrow(() -> new SnapshotKey.Invalid(SnapshotStores.missingKey(namespace, ref)));
  }

  private AtomicLong gauge(
      Map<String, AtomicLong> gauges, OperatorMeters.Declared meter, BackupPolicy policy) {
    return gauges.computeIfAbsent(
        id(policy), k -> meter.gauge(registry, new AtomicLong(), AtomicLong::get, k));
  }

  private static String id(BackupPolicy policy) {
    return policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
  }

  private static String annotation(BackupPolicy policy, String key) {
    var annotations = policy.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
