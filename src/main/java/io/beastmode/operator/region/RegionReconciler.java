package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.ProbeSignal;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionStatus;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.Events;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Probes each Region on its interval (API server, routers, heartbeats) and records its health. Also
 * called when a Region is deleted (no finalizer: nothing in the region needs undoing), to close the
 * client, connections and watches the hub kept for it.
 */
@ControllerConfiguration(name = "region", triggerReconcilerOnAllEvents = true)
public class RegionReconciler implements Reconciler<Region> {

  private final RegionClients clients;
  private final RouterHeartbeats heartbeats;
  private final Clock clock;
  private final Conditions conditions;
  private final RegionRecorder recorder;
  private final RegionRedisClients redis;
  private final Events events;

  public RegionReconciler(
      RegionClients clients,
      RouterHeartbeats heartbeats,
      RegionRedisClients redis,
      MeterRegistry registry,
      Clock clock) {
    this.clients = clients;
    this.heartbeats = heartbeats;
    this.redis = redis;
    this.clock = clock;
    this.conditions = new Conditions(clock);
    this.recorder = new RegionRecorder(registry);
    this.events = new Events(clients.hub(), clock);
  }

  @Override
  public UpdateControl<Region> reconcile(Region region, Context<Region> context) {
    if (context.isPrimaryResourceDeleted()) {
      clients.forget(region.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    if (RestoreHold.held(region)) {
      return UpdateControl.<Region>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    var check = region.getSpec().healthCheck;
    var timeout = Duration.ofSeconds(check.timeoutSeconds);
    var probe =
        clients
            .clientFor(region)
            .map(client -> RegionProber.probe(client, timeout, clients.calls()))
            .orElseGet(() -> ProbeResult.unreachable("kubeconfig Secret missing or unusable"));
    probe = withHeartbeats(region, probe, timeout);
    var state = RegionHealth.next(currentState(region), probe, check, region.getSpec().draining);
    var status = status(region, probe, state);
    checkRedisMaster(region, status, timeout);
    recorder.record(region.getMetadata().getName(), state.phase(), state.serving());
    return StatusPatch.ifChanged(region, status, context)
        .rescheduleAfter(Duration.ofSeconds(check.intervalSeconds));
  }

  private ProbeResult withHeartbeats(Region region, ProbeResult probe, Duration timeout) {
    if (region.getSpec().redis == null) {
      return probe;
    }
    try {
      var observed =
          heartbeats.read(
              RedisAddress.of(region.getSpec().redis),
              null,
              region.getMetadata().getName(),
              timeout);
      return probe.withHeartbeats(
          (int) observed.stream().filter(RouterHeartbeats.Observed::fresh).count(), null);
    } catch (RegionRedisClients.Unavailable e) {
      return probe.withHeartbeats(null, e.getMessage());
    }
  }

  /**
   * For a Redis behind Sentinel: records the master the sentinels name, and announces a change of
   * it (a failover) by a Warning Event and the RedisFailover condition.
   */
  private void checkRedisMaster(Region region, RegionStatus status, Duration timeout) {
    var redisSpec = region.getSpec().redis;
    if (redisSpec == null || redisSpec.sentinel == null) {
      return;
    }
    var previous = region.getStatus();
    String observed = null;
    String failure = null;
    try {
      observed = redis.sentinelMaster(RedisAddress.of(redisSpec), timeout);
    } catch (RegionRedisClients.Unavailable e) {
      failure = e.getMessage();
    }
    var outcome =
        RedisFailoverCheck.next(
            previous == null ? null : previous.redisMaster,
            Conditions.find(previous, RedisFailoverCheck.TYPE).orElse(null),
            observed,
            failure,
            clock.instant());
    status.redisMaster = outcome.master();
    conditions.set(status, previous, status.observedGeneration, outcome.condition());
    if (outcome.event() != null) {
      events.warning(region, RedisFailoverCheck.EVENT_REASON, outcome.event());
    }
  }

  private static RegionHealth.State currentState(Region region) {
    var status = region.getStatus();
    if (status == null || status.phase == null) {
      return RegionHealth.State.INITIAL;
    }
    return new RegionHealth.State(
        status.phase,
        status.consecutiveFailures == null ? 0 : status.consecutiveFailures,
        status.consecutiveSuccesses == null ? 0 : status.consecutiveSuccesses,
        status.serves());
  }

  private RegionStatus status(Region region, ProbeResult probe, RegionHealth.State state) {
    var previous = region.getStatus();
    var status = new RegionStatus();
    status.observedGeneration = region.getMetadata().getGeneration();
    status.phase = state.phase();
    status.serving = state.serving();
    status.servingChangedAt =
        previous != null && previous.serving != null && previous.serving == state.serving()
            ? previous.servingChangedAt
            : Timestamps.format(clock.instant());
    status.consecutiveFailures = state.consecutiveFailures();
    status.consecutiveSuccesses = state.consecutiveSuccesses();
    status.lastProbeTime = conditions.now();
    status.signals = signals(probe);
    status.liveRouters = probe.liveRouters();
    if (probe.apiReachable()) {
      status.apiLatencyMillis = probe.latencyMillis();
      status.routersReady = probe.routersReady();
      status.routersDesired = probe.routersDesired();
    } else if (previous != null) {
      // What the region last reported stays visible while it cannot be seen.
      status.apiLatencyMillis = previous.apiLatencyMillis;
      status.routersReady = previous.routersReady;
      status.routersDesired = previous.routersDesired;
    }
    conditions.set(
        status, previous, status.observedGeneration, readyCondition(state, probe, status.signals));
    clients
        .leaseCondition(region.getMetadata().getName())
        .ifPresent(lease -> conditions.set(status, previous, status.observedGeneration, lease));
    return status;
  }

  static List<ProbeSignal> signals(ProbeResult probe) {
    var signals = new ArrayList<ProbeSignal>();
    if (!probe.apiReachable()) {
      signals.add(new ProbeSignal(ProbeSignal.API, ConditionStatus.False, probe.failure()));
      signals.add(
          new ProbeSignal(
              "routers", ConditionStatus.Unknown, "not read: the API server did not answer"));
    } else {
      signals.add(
          new ProbeSignal(
              ProbeSignal.API,
              ConditionStatus.True,
              "answered in " + probe.latencyMillis() + " ms"));
      signals.add(
          new ProbeSignal(
              "routers",
              probe.routersReady() >= probe.routersDesired()
                  ? ConditionStatus.True
                  : ConditionStatus.False,
              probe.routersReady() + " of " + probe.routersDesired() + " router replicas ready"));
    }
    if (probe.heartbeatFailure() != null) {
      signals.add(new ProbeSignal("heartbeats", ConditionStatus.Unknown, probe.heartbeatFailure()));
    } else if (probe.liveRouters() != null) {
      boolean enough = probe.liveRouters() > 0 || probe.routersDesired() == 0;
      signals.add(
          new ProbeSignal(
              "heartbeats",
              enough ? ConditionStatus.True : ConditionStatus.False,
              probe.liveRouters()
                  + " router pod(s) published a heartbeat in the last "
                  + RouterHeartbeats.FRESH_MILLIS / 1000
                  + " s"));
    }
    return signals;
  }

  private static Condition readyCondition(
      RegionHealth.State state, ProbeResult probe, List<ProbeSignal> signals) {
    String failed =
        signals.stream()
            .filter(s -> s.status != ConditionStatus.True)
            .map(s -> s.name + ": " + s.message)
            .reduce((a, b) -> a + "; " + b)
            .orElse("");
    if (!probe.apiReachable() && state.serving()) {
      return Conditions.ready(
          ConditionStatus.True,
          "ProbeFailing",
          state.consecutiveFailures()
              + " probe(s) failed in a row, below the threshold; last: "
              + probe.failure());
    }
    return switch (state.phase()) {
      case Healthy ->
          Conditions.ready(
              ConditionStatus.True,
              "Healthy",
              "API server answered in " + probe.latencyMillis() + " ms; routers ready");
      case Degraded ->
          state.serving()
              ? Conditions.ready(ConditionStatus.True, "Degraded", failed)
              : Conditions.ready(
                  ConditionStatus.False,
                  "NotServing",
                  state.consecutiveFailures() > 0
                      ? state.consecutiveFailures() + " probes failed in a row; " + failed
                      : state.consecutiveSuccesses()
                          + " good probe(s) in a row, waiting for more before serving again");
      case Draining ->
          Conditions.ready(
              ConditionStatus.False, "Draining", "spec.draining is true: traffic moves away");
      case Unreachable ->
          Conditions.ready(
              ConditionStatus.False,
              "Unreachable",
              state.consecutiveFailures() + " probes failed in a row; last: " + probe.failure());
      case Unknown ->
          Conditions.ready(
              ConditionStatus.Unknown,
              "Probing",
              probe.apiReachable() ? "first probe pending" : "probe failed: " + probe.failure());
    };
  }
}
