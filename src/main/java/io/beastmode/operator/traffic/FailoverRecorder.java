package io.beastmode.operator.traffic;

import io.beastmode.api.v1alpha1.FailoverRecord;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.resolved.RegionOutcome;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Makes each failover visible: a record of when it was detected, decided, applied and converged in
 * the router's status, Kubernetes Events on the router, and metrics.
 */
public final class FailoverRecorder {
  /** Routers that have not taken new weights by then are not waited for any longer. */
  static final Duration CONVERGE_TIMEOUT = Duration.ofMinutes(2);

  private final Events events;
  private final RouterHeartbeats heartbeats;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, AtomicInteger> weightGauges = new ConcurrentHashMap<>();

  public FailoverRecorder(
      KubernetesClient hub, RouterHeartbeats heartbeats, MeterRegistry registry, Clock clock) {
    this.events = new Events(hub, clock);
    this.heartbeats = heartbeats;
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * The router's last failover after this reconcile: a new record when weights moved, else the
   * previous one, marked converged once every reachable region's routers report the new weights.
   */
  public FailoverRecord record(
      ResolvedRouter inputs,
      LLMRouterStatus previous,
      TrafficDecision traffic,
      List<RegionOutcome> outcomes,
      Instant decidedAt) {
    LLMRouter router = inputs.router();
    String routerName = inputs.key().toString();
    traffic.weights().forEach((region, weight) -> weightGauge(routerName, region).set(weight));
    for (var change : traffic.changes()) {
      boolean away = change.to() == TrafficStage.FailedOver || change.to() == TrafficStage.HeldOut;
      events.record(
          router,
          away ? Events.Type.Warning : Events.Type.Normal,
          change.reason(),
          "region "
              + change.region()
              + ": "
              + change.from()
              + " -> "
              + change.to()
              + "; weights "
              + describe(traffic.weights()));
      OperatorMeters.FAILOVER_TRANSITIONS
          .counter(registry, routerName, change.region(), change.reason())
          .increment();
    }
    var record = previous == null ? null : previous.lastFailover;
    // A region taking its first traffic is a start, not a failover.
    boolean onlyStarts =
        !traffic.changes().isEmpty()
            && traffic.changes().stream().allMatch(c -> c.from() == TrafficStage.Starting);
    if (weightsMoved(previous, traffic.weights()) && !onlyStarts) {
      record = new FailoverRecord();
      var moved = traffic.changes().isEmpty() ? null : traffic.changes().get(0);
      record.region =
          traffic.changes().stream()
              .map(TrafficDecision.Change::region)
              .distinct()
              .collect(Collectors.joining(","));
      record.reason = moved == null ? "WeightsChanged" : moved.reason();
      record.detectedAt = Timestamps.format(detectedAt(inputs, moved, decidedAt));
      record.decidedAt = Timestamps.format(decidedAt);
      record.appliedAt = Timestamps.format(clock.instant());
      OperatorMeters.FAILOVERS.counter(registry, routerName, record.reason).increment();
      OperatorMeters.FAILOVER_APPLY
          .timer(registry, routerName)
          .record(
              Duration.between(Instant.parse(record.detectedAt), Instant.parse(record.appliedAt)));
    }
    if (converging(record) && converged(inputs, outcomes)) {
      record = convergedAt(record, clock.instant());
      Duration took =
          Duration.between(Instant.parse(record.detectedAt), Instant.parse(record.convergedAt));
      OperatorMeters.FAILOVER_CONVERGE.timer(registry, routerName).record(took);
      events.normal(
          router,
          "TrafficConverged",
          "routers in every reachable region run the new weights, "
              + took.toMillis()
              + " ms after detection");
    }
    return record;
  }

  /**
   * A copy of {@code record} marked converged at {@code at}. A copy, never the record itself: that
   * one belongs to the status the router carries (the informer's cached object), which the new
   * status is compared with before it is patched; marked in place, the two would stay equal and the
   * convergence would never be written. Pure.
   */
  static FailoverRecord convergedAt(FailoverRecord record, Instant at) {
    var converged = new FailoverRecord();
    converged.region = record.region;
    converged.reason = record.reason;
    converged.detectedAt = record.detectedAt;
    converged.decidedAt = record.decidedAt;
    converged.appliedAt = record.appliedAt;
    converged.convergedAt = Timestamps.format(at);
    return converged;
  }

  /** Whether the record still waits for routers to report the new weights. */
  public boolean converging(FailoverRecord record) {
    return converging(record, clock.instant());
  }

  /**
   * Whether the record still waits for routers to report the new weights at {@code now}: applied,
   * not converged, and applied no longer than {@link #CONVERGE_TIMEOUT} ago. Pure.
   */
  static boolean converging(FailoverRecord record, Instant now) {
    return record != null
        && record.convergedAt == null
        && record.appliedAt != null
        && !now.isAfter(Instant.parse(record.appliedAt).plus(CONVERGE_TIMEOUT));
  }

  /**
   * What one region's routers report about the weights just applied.
   *
   * @param reachable whether the region was reachable in this reconcile
   * @param trafficHash hash of the traffic file just written there, or null when none was
   * @param freshTrafficVersions trafficVersion of each fresh heartbeat there; null when they were
   *     not read (unreachable, no traffic hash, no Redis) or could not be read
   */
  record RegionBeats(boolean reachable, String trafficHash, List<String> freshTrafficVersions) {}

  /**
   * Every reachable region whose heartbeats can be read has its routers on the weights just
   * applied.
   */
  private boolean converged(ResolvedRouter inputs, List<RegionOutcome> outcomes) {
    String routerName = inputs.key().toString();
    // Lazy: heartbeats are read region by region until one is behind.
    return converged(outcomes.stream().map(outcome -> beats(routerName, outcome)));
  }

  private RegionBeats beats(String routerName, RegionOutcome outcome) {
    var redis = outcome.region().getSpec().redis;
    if (!outcome.reachable() || outcome.trafficHash() == null || redis == null) {
      return new RegionBeats(outcome.reachable(), outcome.trafficHash(), null);
    }
    try {
      var versions =
          heartbeats
              .read(RedisAddress.of(redis), routerName, outcome.name(), Duration.ofSeconds(1))
              .stream()
              .filter(RouterHeartbeats.Observed::fresh)
              .map(o -> o.beat().trafficVersion())
              .toList();
      return new RegionBeats(true, outcome.trafficHash(), versions);
    } catch (RegionRedisClients.Unavailable e) {
      // Cannot be verified there; the other regions decide.
      return new RegionBeats(true, outcome.trafficHash(), null);
    }
  }

  /**
   * Whether no region is behind: a region is behind when it is reachable, was written a traffic
   * hash, its heartbeats were read, and a fresh one runs another trafficVersion. Regions that
   * cannot tell do not hold convergence up. Consumes {@code regions} only up to the first region
   * behind. Pure.
   */
  static boolean converged(Stream<RegionBeats> regions) {
    return regions.noneMatch(
        r ->
            r.reachable()
                && r.trafficHash() != null
                && r.freshTrafficVersions() != null
                && r.freshTrafficVersions().stream().anyMatch(v -> !r.trafficHash().equals(v)));
  }

  /**
   * A region that stopped serving was detected when its probes said so; a timed step when decided.
   */
  private static Instant detectedAt(
      ResolvedRouter inputs, TrafficDecision.Change change, Instant decidedAt) {
    if (change == null
        || (change.to() != TrafficStage.FailedOver && change.to() != TrafficStage.HeldOut)) {
      return decidedAt;
    }
    return inputs.regions().stream()
        .filter(r -> r.getMetadata().getName().equals(change.region()))
        .map(Region::getStatus)
        .filter(Objects::nonNull)
        .map(s -> s.servingChangedAt)
        .filter(Objects::nonNull)
        .map(Instant::parse)
        .filter(t -> !t.isAfter(decidedAt))
        .findFirst()
        .orElse(decidedAt);
  }

  private static boolean weightsMoved(LLMRouterStatus previous, Map<String, Integer> weights) {
    if (previous == null || previous.regions.isEmpty()) {
      return false;
    }
    return previous.regions.stream()
        .anyMatch(
            r ->
                r.trafficWeight != null
                    && weights.containsKey(r.name)
                    && !r.trafficWeight.equals(weights.get(r.name)));
  }

  private AtomicInteger weightGauge(String router, String region) {
    return weightGauges.computeIfAbsent(
        router + "\n" + region,
        key ->
            OperatorMeters.TRAFFIC_WEIGHT.gauge(
                registry, new AtomicInteger(), AtomicInteger::get, router, region));
  }

  static String describe(Map<String, Integer> weights) {
    return weights.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }
}
