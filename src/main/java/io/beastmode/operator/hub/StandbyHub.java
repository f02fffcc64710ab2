package io.beastmode.operator.hub;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.HubPromotion;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.RestoreMode;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.api.v1alpha1.RestoreRequestStatus;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.DaemonThreads;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.Reconciled;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.recovery.restore.RestoreApplier;
import io.beastmode.operator.recovery.restore.RestorePoints;
import io.beastmode.operator.recovery.restore.Restores;
import io.beastmode.operator.recovery.restore.RouterState;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.operator.recovery.store.SnapshotStores;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * A standby hub: keeps the newest backed-up state applied in its own cluster (each new snapshot or
 * change set of its BackupPolicies' targets, deletions included) and writes nothing to any region.
 * A RestoreRequest in mode PromoteStandby, or a majority of regions losing the active hub when
 * automatic promotion is on, promotes it: a new epoch, every reachable region's Lease, the newest
 * state, then its controllers start.
 */
public class StandbyHub implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(StandbyHub.class);
  static final String STATUS_CONFIG_MAP = "beastmode-hub-standby";
  static final String HOLDER = "standby-hub";

  private final KubernetesClient hub;
  private final HubLeases leases;
  private final HubSettings settings;
  private final Reconciled reconciled;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Runnable startReconciling;
  private final SnapshotStores stores;
  private final RouterState routerState;
  private final Events events;
  private final Conditions conditions;
  private final AtomicLong lag = new AtomicLong();
  private final Map<String, RestorePoints.Opened> applied = new HashMap<>();
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("standby-hub"));
  private volatile boolean promoted;

  /**
   * @param startReconciling starts this hub's controllers once promoted
   */
  public StandbyHub(
      KubernetesClient hub,
      RegionClients regions,
      RegionRedisClients redis,
      HubLeases leases,
      HubSettings settings,
      Reconciled reconciled,
      MeterRegistry registry,
      Clock clock,
      Runnable startReconciling) {
    this.hub = hub;
    this.leases = leases;
    this.settings = settings;
    this.reconciled = reconciled;
    this.registry = registry;
    this.clock = clock;
    this.startReconciling = startReconciling;
    this.stores = new SnapshotStores(hub, regions);
    this.routerState = new RouterState(redis, clock);
    this.events = new Events(hub, clock);
    this.conditions = new Conditions(clock);
    OperatorMeters.HUB_STANDBY_LAG.gauge(registry, lag, AtomicLong::get);
  }

  public void start() {
    loop.scheduleWithFixedDelay(this::step, 0, 1, TimeUnit.SECONDS);
  }

  public boolean promoted() {
    return promoted;
  }

  private void step() {
    if (promoted) {
      return;
    }
    try {
      follow();
      // Watching the active hub's Leases all along: a promotion then knows how long they have
      // not been renewed, and need not wait a whole Lease duration to find out.
      var observed = leases.observe();
      var request = pendingPromotion();
      if (request == null && settings.autoPromotion() && activeHubLost(observed)) {
        request = requestAutomaticPromotion();
      }
      if (request != null) {
        promote(request, observed);
      }
    } catch (RuntimeException e) {
      LOG.warnf("standby hub: %s", CallFailures.describe(e));
    }
  }

  /** Applies each policy's newest restore point once, and deletes what the hub deleted. */
  private void follow() {
    for (BackupPolicy policy :
        hub.resources(BackupPolicy.class).inAnyNamespace().list().getItems()) {
      String id = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
      try {
        apply(id, policy, false);
      } catch (SnapshotStore.Unavailable | SnapshotStore.Missing | SnapshotRejected e) {
        LOG.warnf("standby hub: cannot follow %s: %s", id, e.getMessage());
      } catch (SnapshotKey.Invalid e) {
        LOG.warnf("standby hub: the key of %s is invalid: %s", id, e.getMessage());
      }
    }
  }

  /**
   * Applies the policy's newest restore point unless it is the one applied last.
   *
   * @param claim the store becomes this cluster's (a promotion): its backups continue here
   */
  private void apply(String id, BackupPolicy policy, boolean claim)
      throws SnapshotStore.Unavailable,
          SnapshotStore.Missing,
          SnapshotRejected,
          SnapshotKey.Invalid {
    String namespace = policy.getMetadata().getNamespace();
    var keyRef = policy.getSpec().encryptionKeySecretRef;
    var key = stores.key(namespace, keyRef);
    if (key.isEmpty()) {
      throw new SnapshotStore.Unavailable(SnapshotStores.missingKey(namespace, keyRef), null);
    }
    try (var store = stores.open(policy.getSpec().target, namespace)) {
      if (claim) {
        store.claim(Restores.clusterId(hub));
      }
      String newest = RestorePoints.newest(store, null);
      var previous = applied.get(id);
      if (previous == null || !previous.name().equals(newest)) {
        var point = RestorePoints.latest(store, null, key.get());
        try (var client = RestoreApplier.client(hub)) {
          var applier = new RestoreApplier(client, routerState);
          applier.apply(point.snapshot(), null, true, HOLDER);
          applier.release(point.snapshot(), null, HOLDER);
          if (previous != null) {
            applier.removeAbsent(previous.snapshot(), point.snapshot());
          }
        }
        applied.put(id, point);
        LOG.debugf("standby hub: applied %s", point.name());
      }
      var takenAt = applied.get(id).snapshot().manifest().takenAt();
      lag.set(Math.max(0, Duration.between(takenAt, clock.instant()).toSeconds()));
      recordFollowing(applied.get(id).name(), takenAt);
    }
  }

  private void recordFollowing(String point, Instant takenAt) {
    hub.configMaps()
        .inNamespace(settings.recordNamespace())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(STATUS_CONFIG_MAP)
                .withNamespace(settings.recordNamespace())
                .endMetadata()
                .withData(
                    Map.of(
                        "appliedRestorePoint", point,
                        "restorePointTakenAt", Timestamps.format(takenAt),
                        "checkedAt",
                            Timestamps.format(clock.instant().truncatedTo(ChronoUnit.SECONDS))))
                .build())
        .fieldManager("beast-mode-operator")
        .forceConflicts()
        .serverSideApply();
  }

  private RestoreRequest pendingPromotion() {
    return hub.resources(RestoreRequest.class).inAnyNamespace().list().getItems().stream()
        .filter(r -> r.getSpec().mode == RestoreMode.PromoteStandby)
        .filter(
            r ->
                r.getStatus() == null
                    || r.getStatus().phase == null
                    || r.getStatus().phase == RestorePhase.Pending
                    || r.getStatus().phase == RestorePhase.Running)
        .findFirst()
        .orElse(null);
  }

  /** A majority of all regions read with the active hub's Lease expired long enough. */
  private boolean activeHubLost(List<HubLeases.Observed> observed) {
    return HubLeaseRules.majorityLost(
        observed.stream()
            .filter(HubLeases.Observed::readable)
            .map(HubLeases.Observed::expiredFor)
            .toList(),
        observed.size(),
        settings.autoPromotionAfter().plus(settings.leaseDuration()));
  }

  private RestoreRequest requestAutomaticPromotion() {
    var request = new RestoreRequest();
    request.getMetadata().setGenerateName("automatic-promotion-");
    request.getMetadata().setNamespace(settings.recordNamespace());
    request.getMetadata().setAnnotations(Map.of(AUTOMATIC_ANNOTATION, "true"));
    var spec = new RestoreRequestSpec();
    spec.mode = RestoreMode.PromoteStandby;
    spec.standbyRegion = settings.name();
    request.setSpec(spec);
    LOG.warn("standby hub: a majority of regions lost the active hub; promoting this hub");
    return hub.resource(request).create();
  }

  static final String AUTOMATIC_ANNOTATION = "beastmode.io/automatic-promotion";

  /**
   * Detected, decided, fenced, restored, reconciling: each step's time goes to the request's status
   * as it happens.
   */
  private void promote(RestoreRequest request, List<HubLeases.Observed> observed) {
    boolean automatic =
        request.getMetadata().getAnnotations() != null
            && "true".equals(request.getMetadata().getAnnotations().get(AUTOMATIC_ANNOTATION));
    var status = new RestoreRequestStatus();
    var promotion = new HubPromotion();
    status.promotion = promotion;
    status.phase = RestorePhase.Running;
    Instant detected = Timestamps.parse(request.getMetadata().getCreationTimestamp());
    status.startTime = Timestamps.format(detected);
    promotion.detectedTime = status.startTime;
    promotion.automatic = automatic;
    OperatorMeters.HUB_PROMOTIONS
        .counter(registry, automatic ? "automatic" : "request")
        .increment();

    var record = HubRecord.read(hub, settings.recordNamespace());
    long epoch =
        HubLeaseRules.nextEpoch(
            observed.stream().flatMap(o -> o.lease().stream()).map(l -> l.epoch()).toList(),
            record.epoch());
    promotion.epoch = epoch;
    promotion.previousHub =
        observed.stream()
            .flatMap(o -> o.lease().stream())
            .max(java.util.Comparator.comparingLong(HubLeaseRules.LeaseView::epoch))
            .map(l -> l.holder() + " (epoch " + l.epoch() + ")")
            .orElse(null);
    record.promotedTo(epoch).write(hub, settings.recordNamespace());
    promotion.decidedTime = now();
    report(request, status, "Promoting", "epoch " + epoch + " taken; taking the regions' Leases");

    var unreachable =
        leases.takeOver(
            epoch,
            request.getSpec().oldHubGone,
            settings.leaseDuration().multipliedBy(3).plus(Duration.ofSeconds(5)));
    promotion.unreachableRegions = unreachable.isEmpty() ? null : unreachable;
    promotion.fencedTime = now();
    if (leases.fenced()) {
      status.phase = RestorePhase.Failed;
      report(request, status, "Fenced", "a hub with a newer epoch holds a region's Lease");
      promoted = true;
      return;
    }
    report(request, status, "Promoting", "Leases held; applying the newest state");

    for (BackupPolicy policy :
        hub.resources(BackupPolicy.class).inAnyNamespace().list().getItems()) {
      String id = policy.getMetadata().getNamespace() + "/" + policy.getMetadata().getName();
      try {
        apply(id, policy, true);
        status.snapshot = applied.get(id).name();
      } catch (Exception e) {
        // The state applied last stays: a promotion does not wait for a store that is down.
        LOG.warnf(
            "promotion: the newest state of %s could not be applied: %s",
            id, CallFailures.describe(e));
      }
    }
    promotion.restoredTime = now();
    promoted = true;
    Instant restored = Timestamps.parse(promotion.restoredTime);
    startReconciling.run();
    var routers =
        hub.resources(LLMRouter.class).inAnyNamespace().list().getItems().stream()
            .map(r -> RouterKey.of(r).toString())
            .toList();
    Instant giveUp = clock.instant().plus(Duration.ofMinutes(2));
    while (!reconciled.allSince(routers, restored) && clock.instant().isBefore(giveUp)) {
      sleep();
    }
    Instant reconciling = clock.instant();
    promotion.reconcilingTime = Timestamps.format(reconciling.truncatedTo(ChronoUnit.SECONDS));
    promotion.promotionSeconds = Duration.between(detected, reconciling).toSeconds();
    OperatorMeters.HUB_PROMOTION.timer(registry).record(Duration.between(detected, reconciling));
    status.phase = RestorePhase.Succeeded;
    status.completionTime = promotion.reconcilingTime;
    report(
        request,
        status,
        "Promoted",
        "this hub is active at epoch "
            + epoch
            + ", reconciling "
            + Duration.between(detected, reconciling).toMillis() / 1000.0
            + " s after the loss was detected");
    lag.set(0);
  }

  private String now() {
    return Timestamps.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
  }

  private void report(
      RestoreRequest request, RestoreRequestStatus status, String reason, String message) {
    boolean ok = status.phase != RestorePhase.Failed;
    conditions.set(
        status,
        request.getStatus(),
        request.getMetadata().getGeneration(),
        Conditions.ready(
            status.phase == RestorePhase.Succeeded ? ConditionStatus.True : ConditionStatus.False,
            reason,
            message));
    try {
      hub.resources(RestoreRequest.class)
          .inNamespace(request.getMetadata().getNamespace())
          .withName(request.getMetadata().getName())
          .editStatus(
              r -> {
                r.setStatus(status);
                return r;
              });
      if (ok) {
        events.normal(request, reason, message);
      } else {
        events.warning(request, reason, message);
      }
    } catch (KubernetesClientException e) {
      LOG.warnf("cannot record the promotion's progress: %s", CallFailures.describe(e));
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    loop.shutdownNow();
  }
}
