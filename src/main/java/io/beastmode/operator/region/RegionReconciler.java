package io.beastmode.operator.region;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RegionStatus;
import io.beastmode.fleet.RegionClients;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.StatusPatch;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Clock;
import java.time.Duration;

/** Probes each Region on its interval and records its health. */
@ControllerConfiguration(name = "region")
public class RegionReconciler implements Reconciler<Region> {

  private final RegionClients clients;
  private final Conditions conditions;

  public RegionReconciler(RegionClients clients, Clock clock) {
    this.clients = clients;
    this.conditions = new Conditions(clock);
  }

  @Override
  public UpdateControl<Region> reconcile(Region region, Context<Region> context) {
    var check = region.getSpec().healthCheck;
    var probe =
        clients
            .clientFor(region)
            .map(client -> RegionProber.probe(client, Duration.ofSeconds(check.timeoutSeconds)))
            .orElseGet(() -> ProbeResult.unreachable("kubeconfig Secret missing or unusable"));
    var state = RegionHealth.next(currentState(region), probe, check, region.getSpec().draining);
    var status = status(region, probe, state);
    return StatusPatch.ifChanged(region, status).rescheduleAfter(Duration.ofSeconds(check.intervalSeconds));
  }

  private static RegionHealth.State currentState(Region region) {
    var status = region.getStatus();
    if (status == null || status.phase == null) {
      return RegionHealth.State.INITIAL;
    }
    return new RegionHealth.State(
        status.phase,
        status.consecutiveFailures == null ? 0 : status.consecutiveFailures,
        status.consecutiveSuccesses == null ? 0 : status.consecutiveSuccesses);
  }

  private RegionStatus status(Region region, ProbeResult probe, RegionHealth.State state) {
    var previous = region.getStatus();
    var status = new RegionStatus();
    status.observedGeneration = region.getMetadata().getGeneration();
    status.phase = state.phase();
    status.consecutiveFailures = state.consecutiveFailures();
    status.consecutiveSuccesses = state.consecutiveSuccesses();
    status.lastProbeTime = conditions.now();
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
    conditions.set(status, previous, status.observedGeneration, readyCondition(state, probe));
    return status;
  }

  private static Condition readyCondition(RegionHealth.State state, ProbeResult probe) {
    RegionPhase phase = state.phase();
    return switch (phase) {
      case Healthy -> Conditions.ready(ConditionStatus.True, "Healthy", "API server answered in " + probe.latencyMillis() + " ms; routers ready");
      case Degraded -> Conditions.ready(
          ConditionStatus.True, "RoutersNotReady", probe.routersReady() + " of " + probe.routersDesired() + " router replicas ready");
      case Draining -> Conditions.ready(ConditionStatus.False, "Draining", "spec.draining is true: traffic moves away");
      case Unreachable -> Conditions.ready(
          ConditionStatus.False, "Unreachable", state.consecutiveFailures() + " probes failed in a row; last: " + probe.failure());
      case Unknown -> Conditions.ready(
          ConditionStatus.Unknown, "Probing", probe.apiReachable() ? "first probe pending" : "probe failed: " + probe.failure());
    };
  }
}
