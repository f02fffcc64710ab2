package io.beastmode.operator.hub;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.DaemonThreads;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionWriteGate;
import io.beastmode.operator.hub.HubLeaseRules.Step;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * An active hub's hold on every region: it takes and renews the hub Lease in each region's own
 * cluster, and is the gate every write to a region passes. A region's writes stop a margin before
 * its Lease could expire unrenewed; a Lease held under a newer epoch fences this hub for good: it
 * writes to no region again, and says so on its Regions, in an Event and in a metric.
 */
public class HubLeases implements RegionWriteGate, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HubLeases.class);
  public static final String LEASE_CONDITION = "HubLease";

  private final KubernetesClient hub;
  private final RegionClients regions;
  private final HubSettings settings;
  private final Clock clock;
  private final Events events;
  private final MeterRegistry registry;
  private final LeaseObservations observations;
  private final Map<String, Instant> writableUntil = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
  private final java.util.Set<String> heldByAnother = ConcurrentHashMap.newKeySet();
  private final AtomicLong epochGauge = new AtomicLong();
  private final AtomicInteger fencedGauge = new AtomicInteger();
  private final ExecutorService calls =
      Executors.newCachedThreadPool(DaemonThreads.named("hub-lease"));
  private ScheduledExecutorService loop;
  private volatile List<Region> known = List.of();
  private final java.util.Set<String> renewing = ConcurrentHashMap.newKeySet();
  private volatile long epoch;
  private volatile String fencedBy;

  public HubLeases(
      KubernetesClient hub,
      RegionClients regions,
      HubSettings settings,
      MeterRegistry registry,
      Clock clock) {
    this.hub = hub;
    this.regions = regions;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.events = new Events(hub, clock);
    this.observations = new LeaseObservations(clock);
    OperatorMeters.HUB_EPOCH.gauge(registry, epochGauge, AtomicLong::get);
    OperatorMeters.HUB_FENCED.gauge(registry, fencedGauge, AtomicInteger::get);
  }

  /**
   * Holds the regions as {@code record} says (a new hub takes an epoch above every one it sees),
   * after one synchronous round, so the first reconciles find the reachable regions writable.
   */
  public synchronized void start(HubRecord record) {
    regions.guardWritesWith(this);
    if (record.fencedBy() != null) {
      fence(record.fencedBy(), null);
      return;
    }
    epoch = record.epoch();
    if (epoch == 0) {
      epoch = HubLeaseRules.nextEpoch(seenEpochs(), 0);
      new HubRecord(epoch, record.promoted(), null).write(hub, settings.recordNamespace());
      LOG.infof("hub %s starts at epoch %d", settings.name(), epoch);
    }
    epochGauge.set(epoch);
    roundAndWait();
    keepRenewing();
  }

  private void keepRenewing() {
    loop = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("hub-leases"));
    long every = settings.renewInterval().toMillis();
    loop.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
  }

  /** One region's hub Lease as a standby sees it; {@code readable} false: not reached. */
  public record Observed(
      String region,
      boolean readable,
      Optional<HubLeaseRules.LeaseView> lease,
      Duration expiredFor) {}

  /** Reads every region's hub Lease, in parallel, as a standby watches the active hub. */
  public List<Observed> observe() {
    var reads =
        listRegions().stream()
            .map(region -> CompletableFuture.supplyAsync(() -> observe(region), calls))
            .toList();
    return reads.stream().map(CompletableFuture::join).toList();
  }

  private Observed observe(Region region) {
    String name = region.getMetadata().getName();
    var client = regions.clientFor(region);
    if (client.isEmpty()) {
      return new Observed(name, false, Optional.empty(), Duration.ZERO);
    }
    try {
      var lease = RegionLease.read(client.get(), settings.leaseNamespace());
      var unchanged = observations.unchangedFor(name, lease);
      var view = RegionLease.view(lease);
      return new Observed(
          name,
          true,
          view,
          view.map(v -> HubLeaseRules.expiredFor(v, unchanged)).orElse(Duration.ZERO));
    } catch (KubernetesClientException e) {
      return new Observed(name, false, Optional.empty(), Duration.ZERO);
    }
  }

  /**
   * A promotion: takes every reachable region's Lease under {@code newEpoch}, waiting for the old
   * hub's to expire unless it is gone for certain, then keeps them renewed.
   *
   * @return the regions whose Lease could not be taken in {@code timeout} (unreachable); they are
   *     taken when they can be
   */
  public synchronized List<String> takeOver(long newEpoch, boolean oldHubGone, Duration timeout) {
    regions.guardWritesWith(this);
    epoch = newEpoch;
    epochGauge.set(epoch);
    Instant giveUp = clock.instant().plus(timeout);
    List<String> missing;
    do {
      var attempts =
          listRegions().stream()
              .filter(region -> !mayWrite(region.getMetadata().getName()))
              .map(region -> CompletableFuture.supplyAsync(() -> keep(region, oldHubGone), calls))
              .toList();
      // An unreachable region does not hold the promotion up: it is taken when it comes back.
      boolean waiting =
          attempts.stream()
              .map(CompletableFuture::join)
              .anyMatch(s -> s.equals(Optional.of(Step.WAIT)));
      missing =
          known.stream().map(r -> r.getMetadata().getName()).filter(r -> !mayWrite(r)).toList();
      if (!waiting || fencedBy != null) {
        break;
      }
      sleep(Duration.ofMillis(500));
    } while (clock.instant().isBefore(giveUp));
    keepRenewing();
    return missing;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public long epoch() {
    return epoch;
  }

  @Override
  public boolean fenced() {
    return fencedBy != null;
  }

  @Override
  public boolean mayWrite(String region) {
    var until = writableUntil.get(region);
    return fencedBy == null && until != null && clock.instant().isBefore(until);
  }

  /**
   * A region's Redis: where its Lease is held, or where its cluster cannot be read while another
   * region's Lease is held; never where another hub's Lease was read.
   */
  @Override
  public boolean mayWriteRedis(String region) {
    if (fencedBy != null || heldByAnother.contains(region)) {
      return false;
    }
    return mayWrite(region) || writableUntil.keySet().stream().anyMatch(this::mayWrite);
  }

  @Override
  public Optional<io.beastmode.api.v1alpha1.Condition> condition(String region) {
    return Optional.of(leaseCondition(region));
  }

  private io.beastmode.api.v1alpha1.Condition leaseCondition(String region) {
    if (fencedBy != null) {
      return new io.beastmode.api.v1alpha1.Condition(
          LEASE_CONDITION,
          ConditionStatus.False,
          "Fenced",
          "hub " + fencedBy + " took over; this hub writes to no region any more");
    }
    return mayWrite(region)
        ? new io.beastmode.api.v1alpha1.Condition(
            LEASE_CONDITION,
            ConditionStatus.True,
            "Held",
            "hub " + settings.name() + " holds this region's Lease at epoch " + epoch)
        : new io.beastmode.api.v1alpha1.Condition(
            LEASE_CONDITION,
            ConditionStatus.False,
            "NotHeld",
            "this region's hub Lease is not held (unreachable, or an older hub's not expired yet);"
                + " nothing is written there");
  }

  /** The epochs of every readable region's Lease, read side by side. */
  private List<Long> seenEpochs() {
    var reads =
        listRegions().stream()
            .map(region -> CompletableFuture.supplyAsync(() -> leaseEpoch(region), calls))
            .toList();
    return reads.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
  }

  private Optional<Long> leaseEpoch(Region region) {
    var client = regions.clientFor(region);
    if (client.isEmpty()) {
      return Optional.empty();
    }
    try {
      return RegionLease.view(RegionLease.read(client.get(), settings.leaseNamespace()))
          .map(HubLeaseRules.LeaseView::epoch);
    } catch (KubernetesClientException e) {
      LOG.debugf(
          "region %s unreadable: %s", region.getMetadata().getName(), CallFailures.describe(e));
      return Optional.empty();
    }
  }

  private List<Region> listRegions() {
    try {
      known = hub.resources(Region.class).list().getItems();
    } catch (KubernetesClientException e) {
      // The hub's own API server is down: keep renewing what it knew, writes need it anyway.
      LOG.debugf(
          "cannot list Regions, keeping %d known: %s", known.size(), CallFailures.describe(e));
    }
    return known;
  }

  /**
   * Starts a renewal in every region whose previous one has finished. Regions renew apart: a region
   * whose API server hangs holds its own renewal until the call times out, never the others'.
   */
  private List<CompletableFuture<Void>> round() {
    if (fencedBy != null) {
      return List.of();
    }
    var started = new ArrayList<CompletableFuture<Void>>();
    for (Region region : listRegions()) {
      String name = region.getMetadata().getName();
      if (!renewing.add(name)) {
        continue; // the previous renewal still waits for this region
      }
      try {
        started.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    keep(region);
                  } finally {
                    renewing.remove(name);
                  }
                },
                calls));
      } catch (RejectedExecutionException e) {
        renewing.remove(name); // closed
      }
    }
    return started;
  }

  /** One round, waited for at most a Lease's duration: the first, before reconciles start. */
  private void roundAndWait() {
    try {
      CompletableFuture.allOf(round().toArray(CompletableFuture[]::new))
          .get(settings.leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.debugf("a region's Lease round did not finish in time: %s", e.toString());
    }
  }

  private void keep(Region region) {
    keep(region, false);
  }

  /** One round for one region; the step taken, or empty when the region could not be read. */
  private Optional<Step> keep(Region region, boolean oldHubGone) {
    String name = region.getMetadata().getName();
    var client = regions.clientFor(region);
    if (client.isEmpty() || fencedBy != null) {
      return Optional.empty();
    }
    Optional<Step> taken = Optional.empty();
    Instant asked = clock.instant();
    try {
      var lease = RegionLease.read(client.get(), settings.leaseNamespace());
      var view = RegionLease.view(lease);
      var step =
          HubLeaseRules.next(
              view, settings.name(), epoch, observations.unchangedFor(name, lease), oldHubGone);
      taken = Optional.of(step);
      switch (step) {
        case TAKE, RENEW -> {
          RegionLease.write(
              client.get(),
              settings.leaseNamespace(),
              lease,
              settings.name(),
              epoch,
              settings.leaseDuration(),
              asked);
          if (step == Step.TAKE) {
            LOG.infof("hub %s took region %s's Lease at epoch %d", settings.name(), name, epoch);
          }
          writableUntil.put(name, HubLeaseRules.writableUntil(asked, settings.leaseDuration()));
          heldByAnother.remove(name);
        }
        case WAIT -> {
          writableUntil.remove(name);
          heldByAnother.add(name);
        }
        case FENCED -> fence(view.get().holder() + " (epoch " + view.get().epoch() + ")", region);
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 && renewedByTwin(client.get(), name, asked)) {
        return Optional.of(Step.RENEW);
      }
      // Unreachable, or another hub wrote first: no renewal, so writes there stop in time.
      LOG.debugf("region %s's hub Lease not renewed: %s", name, CallFailures.describe(e));
      taken = e.getCode() == 409 ? Optional.of(Step.WAIT) : Optional.empty();
    }
    heldGauge(name).set(mayWrite(name) ? 1 : 0);
    return taken;
  }

  /**
   * Another replica of this hub (the chart runs two) renewed the Lease at the same moment: it is
   * still this hub's, under this epoch.
   */
  private boolean renewedByTwin(KubernetesClient client, String region, Instant asked) {
    try {
      var view = RegionLease.view(RegionLease.read(client, settings.leaseNamespace()));
      if (view.isPresent()
          && view.get().holder().equals(settings.name())
          && view.get().epoch() == epoch) {
        writableUntil.put(region, HubLeaseRules.writableUntil(asked, settings.leaseDuration()));
        heldGauge(region).set(1);
        return true;
      }
    } catch (KubernetesClientException e) {
      LOG.debugf("region %s's hub Lease unreadable: %s", region, CallFailures.describe(e));
    }
    return false;
  }

  private AtomicInteger heldGauge(String region) {
    return held.computeIfAbsent(
        region,
        r ->
            OperatorMeters.HUB_LEASE_HELD.gauge(
                registry, new AtomicInteger(), AtomicInteger::get, r));
  }

  /** Stops every write to every region, for good; recorded so a restart stays fenced. */
  private synchronized void fence(String by, Region seenIn) {
    if (fencedBy != null) {
      return;
    }
    fencedBy = by;
    writableUntil.clear();
    fencedGauge.set(1);
    held.values().forEach(g -> g.set(0));
    String message =
        "hub "
            + by
            + " holds "
            + (seenIn == null ? "the regions'" : "region " + seenIn.getMetadata().getName() + "'s")
            + " Lease with a newer epoch than this hub's ("
            + epoch
            + "): this hub writes to no region any more";
    LOG.error(message);
    try {
      HubRecord.read(hub, settings.recordNamespace())
          .fenced(by)
          .write(hub, settings.recordNamespace());
      if (seenIn != null) {
        events.warning(seenIn, "HubFenced", message);
      }
    } catch (KubernetesClientException e) {
      LOG.warnf("cannot record the fencing in this hub's cluster: %s", CallFailures.describe(e));
    }
  }

  @Override
  public synchronized void close() {
    if (loop != null) {
      loop.shutdownNow();
    }
    calls.shutdownNow();
  }
}
