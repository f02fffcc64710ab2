package io.beastmode.operator.recovery.restore;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RestoreMode;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestStatus;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.Events;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.operator.recovery.store.SnapshotStores;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * Restores a snapshot: finds it (the policy's target, or the request's source on a new hub), opens
 * it with its key (a snapshot that fails any check is not applied at all), puts its objects in
 * place holding their controllers off until all are there, writes the regions' router state back,
 * then measures the recovery time until every restored router is ready.
 */
@ControllerConfiguration(name = "restorerequest")
public class RestoreRequestReconciler implements Reconciler<RestoreRequest> {
  static final Duration WAIT_FOR_ROUTERS = Duration.ofSeconds(2);

  /** How soon a missing key Secret or an unreachable source is looked for again. */
  static final Duration WAIT_FOR_INPUT = Duration.ofSeconds(10);

  private final KubernetesClient hub;
  private final SnapshotStores stores;
  private final RouterState routerState;
  private final Clock clock;
  private final Conditions conditions;
  private final Events events;
  // A few restores at a time at most; one deleted before it finished is dropped with the eldest.
  private final Map<String, Snapshot> opened =
      java.util.Collections.synchronizedMap(
          new java.util.LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Snapshot> eldest) {
              return size() > 4;
            }
          });

  public RestoreRequestReconciler(
      KubernetesClient hub, RegionClients regions, RegionRedisClients redis, Clock clock) {
    this.hub = hub;
    this.stores = new SnapshotStores(hub, regions);
    this.routerState = new RouterState(redis, clock);
    this.clock = clock;
    this.conditions = new Conditions(clock);
    this.events = new Events(hub, clock);
  }

  @Override
  public UpdateControl<RestoreRequest> reconcile(
      RestoreRequest request, Context<RestoreRequest> context) {
    var previous = request.getStatus();
    var phase = previous == null || previous.phase == null ? RestorePhase.Pending : previous.phase;
    if (phase == RestorePhase.Succeeded || phase == RestorePhase.Failed) {
      return UpdateControl.noUpdate();
    }
    var status = copy(previous);
    status.observedGeneration = request.getMetadata().getGeneration();
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant started = Timestamps.parse(request.getMetadata().getCreationTimestamp());
    status.startTime = Timestamps.format(started);
    if (request.getSpec().mode == RestoreMode.PromoteStandby) {
      if (previous != null && previous.promotion != null) {
        return UpdateControl.noUpdate(); // the standby that was promoted records it (StandbyHub)
      }
      return finish(
          request,
          status,
          previous,
          RestorePhase.Failed,
          "NotAStandby",
          "this hub is the active one: PromoteStandby is for a hub installed as a standby"
              + " (chart value hub.role=standby)",
          context);
    }
    // Opened and checked once per restore; its rechecks while routers get ready reuse it.
    String uid = request.getMetadata().getUid();
    Snapshot snapshot = opened.get(uid);
    try {
      if (snapshot == null) {
        snapshot = find(request, status);
        opened.put(uid, snapshot);
      }
    } catch (Refused e) {
      if (e.waits) {
        return waiting(
            request, status, previous, e.reason, e.getMessage(), WAIT_FOR_INPUT, context);
      }
      return finish(
          request, status, previous, RestorePhase.Failed, e.reason, e.getMessage(), context);
    } catch (SnapshotStore.Unavailable e) {
      return waiting(
          request, status, previous, "SourceUnavailable", e.getMessage(), WAIT_FOR_INPUT, context);
    }
    String target = request.getSpec().targetNamespace;
    String holder = request.getMetadata().getNamespace() + "/" + request.getMetadata().getName();
    if (phase == RestorePhase.Pending) {
      RestoreApplier.Outcome outcome;
      try (var client = RestoreApplier.client(hub)) {
        var applier = new RestoreApplier(client, routerState);
        outcome = applier.apply(snapshot, target, request.getSpec().replaceExisting, holder);
        applier.release(snapshot, target, holder);
      }
      status.restoredObjects = outcome.created().size();
      status.adoptedObjects = outcome.adopted();
      status.conflicts = outcome.conflicts().isEmpty() ? null : outcome.conflicts();
      status.measuredRpoSeconds =
          Duration.between(snapshot.manifest().takenAt(), started).toSeconds();
      status.phase = RestorePhase.Running;
      events.normal(
          request,
          "Restored",
          outcome.created().size()
              + " objects created, "
              + outcome.adopted()
              + " taken over as they were, "
              + outcome.conflicts().size()
              + " kept as they differ");
    }
    // Once for every region, then again for those whose Redis could not be reached.
    var waiting = phase == RestorePhase.Pending ? null : previous.pendingRegions;
    var pending =
        waiting != null && waiting.isEmpty()
            ? waiting
            : new RestoreApplier(hub, routerState)
                .restoreRouterState(
                    snapshot,
                    redisUrls(),
                    region ->
                        phase == RestorePhase.Pending
                            || (waiting != null && waiting.contains(region)));
    status.pendingRegions = pending.isEmpty() ? null : pending;
    if (!routersReady(snapshot, target)) {
      return waiting(
          request,
          status,
          previous,
          "WaitingForRouters",
          "objects restored; waiting for every restored router to be ready",
          WAIT_FOR_ROUTERS,
          context);
    }
    status.measuredRtoSeconds = Duration.between(started, now).toSeconds();
    status.completionTime = Timestamps.format(now);
    events.normal(
        request,
        "RestoreCompleted",
        "every restored router ready "
            + status.measuredRtoSeconds
            + " s after the request (snapshot age "
            + status.measuredRpoSeconds
            + " s)");
    return finish(
        request,
        status,
        previous,
        RestorePhase.Succeeded,
        "Restored",
        "restored " + status.snapshot + " in " + status.measuredRtoSeconds + " s",
        context);
  }

  /** Not yet: a key Secret to be created, a source to come back, routers to be ready. */
  private UpdateControl<RestoreRequest> waiting(
      RestoreRequest request,
      RestoreRequestStatus status,
      RestoreRequestStatus previous,
      String reason,
      String message,
      Duration again,
      Context<RestoreRequest> context) {
    conditions.set(
        status,
        previous,
        status.observedGeneration,
        Conditions.ready(ConditionStatus.False, reason, message));
    return StatusPatch.ifChanged(request, status, context).rescheduleAfter(again);
  }

  private UpdateControl<RestoreRequest> finish(
      RestoreRequest request,
      RestoreRequestStatus status,
      RestoreRequestStatus previous,
      RestorePhase phase,
      String reason,
      String message,
      Context<RestoreRequest> context) {
    status.phase = phase;
    opened.remove(request.getMetadata().getUid());
    boolean ok = phase == RestorePhase.Succeeded;
    if (!ok) {
      events.warning(request, reason, message);
    }
    conditions.set(
        status,
        previous,
        status.observedGeneration,
        Conditions.ready(ok ? ConditionStatus.True : ConditionStatus.False, reason, message));
    return StatusPatch.ifChanged(request, status, context);
  }

  /** The snapshot, opened and checked; the store and key come from the policy or the request. */
  private Snapshot find(RestoreRequest request, RestoreRequestStatus status)
      throws Refused, SnapshotStore.Unavailable {
    String namespace = request.getMetadata().getNamespace();
    var spec = request.getSpec();
    var target = spec.source;
    SecretKeyReference keyRef = spec.encryptionKeySecretRef;
    if (spec.backupPolicyRef != null) {
      BackupPolicy policy =
          hub.resources(BackupPolicy.class)
              .inNamespace(namespace)
              .withName(spec.backupPolicyRef.name)
              .get();
      if (policy == null) {
        throw new Refused(
            "PolicyNotFound", "there is no BackupPolicy " + spec.backupPolicyRef.name);
      }
      target = policy.getSpec().target;
      keyRef = keyRef != null ? keyRef : policy.getSpec().encryptionKeySecretRef;
    }
    SnapshotKey key = key(namespace, keyRef);
    try (var store = stores.open(target, namespace)) {
      // A restore that resumes restores what it started with, even if newer snapshots came.
      String name = status.snapshot != null ? status.snapshot : spec.snapshot;
      try {
        var opened =
            "latest".equals(name)
                ? RestorePoints.latest(store, null, key)
                : RestorePoints.open(store, name, key);
        status.snapshot = opened.name();
        return opened.snapshot();
      } catch (SnapshotStore.Missing e) {
        throw new Refused("SnapshotMissing", e.getMessage());
      } catch (SnapshotRejected e) {
        throw new Refused("SnapshotRejected", "nothing was applied: " + e.getMessage());
      }
    }
  }

  private SnapshotKey key(String namespace, SecretKeyReference ref) throws Refused {
    try {
      return stores
          .key(namespace, ref)
          .orElseThrow(
              () ->
                  new Refused(
                      "EncryptionKeyMissing",
                      SnapshotStores.missingKey(namespace, ref) + "; waiting for it"));
    } catch (SnapshotKey.Invalid e) {
      throw new Refused("EncryptionKeyInvalid", e.getMessage());
    }
  }

  private Map<String, String> redisUrls() {
    var urls = new HashMap<String, String>();
    for (Region region : hub.resources(Region.class).list().getItems()) {
      if (region.getSpec().redis != null) {
        urls.put(region.getMetadata().getName(), RedisAddress.of(region.getSpec().redis));
      }
    }
    return urls;
  }

  /** Every LLMRouter of the snapshot Ready (its Ready condition is over every reachable region). */
  private boolean routersReady(Snapshot snapshot, String targetNamespace) {
    for (var object : snapshot.objects()) {
      if (!object.kind().equals("LLMRouter")) {
        continue;
      }
      String ns = targetNamespace != null ? targetNamespace : object.namespace();
      try {
        var router = hub.resources(LLMRouter.class).inNamespace(ns).withName(object.name()).get();
        if (router == null
            || router.getStatus() == null
            || !Conditions.isTrue(router.getStatus(), Conditions.READY)
            || !java.util.Objects.equals(
                router.getStatus().observedGeneration, router.getMetadata().getGeneration())) {
          return false;
        }
      } catch (KubernetesClientException e) {
        return false;
      }
    }
    return true;
  }

  private static RestoreRequestStatus copy(RestoreRequestStatus previous) {
    var status = new RestoreRequestStatus();
    if (previous != null) {
      status.phase = previous.phase;
      status.snapshot = previous.snapshot;
      status.restoredObjects = previous.restoredObjects;
      status.adoptedObjects = previous.adoptedObjects;
      status.conflicts = previous.conflicts;
      status.pendingRegions = previous.pendingRegions;
      status.measuredRpoSeconds = previous.measuredRpoSeconds;
    }
    return status;
  }

  /** The restore cannot go on; nothing more is applied. A missing key Secret is waited for. */
  private static final class Refused extends Exception {
    final String reason;
    final boolean waits;

    public Refused(String reason, String message) {
      super(message);
      this.reason = reason;
      this.waits = reason.equals("EncryptionKeyMissing");
    }
  }
}
