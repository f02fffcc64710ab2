package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.Condition;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveStatus;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterUsage;
import io.beastmode.operator.slo.SloActionPlanner.Capacity;
import io.beastmode.wire.UsageSample;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Evaluates a ServiceLevelObjective on its interval: reads what its router's regions served from
 * their Redis, computes indicators, budget and burn rates, and decides the actions in force. The
 * LLMRouter controller carries the actions out. The router and its regions come from informers
 * (SloEventSources), and a change to either wakes the objective before its interval is up. When any
 * region's Redis cannot be read, nothing is taken or undone on partial data: the last evaluation
 * stands and Ready says why.
 */
@ControllerConfiguration(name = "servicelevelobjective")
public class ServiceLevelObjectiveReconciler implements Reconciler<ServiceLevelObjective> {
  static final Duration REDIS_TIMEOUT = Duration.ofSeconds(3);
  static final String MET = "Met";

  private final RegionClients clients;
  private final RouterUsage usage;
  private final Clock clock;
  private final Conditions conditions;
  private final SloRecorder recorder;

  public ServiceLevelObjectiveReconciler(
      RegionClients clients, RouterUsage usage, MeterRegistry registry, Clock clock) {
    this.clients = clients;
    this.usage = usage;
    this.clock = clock;
    this.conditions = new Conditions(clock);
    this.recorder = new SloRecorder(clients.hub(), registry, clock);
  }

  @Override
  public List<EventSource<?, ServiceLevelObjective>> prepareEventSources(
      EventSourceContext<ServiceLevelObjective> context) {
    return SloEventSources.all(context);
  }

  @Override
  public UpdateControl<ServiceLevelObjective> reconcile(
      ServiceLevelObjective slo, Context<ServiceLevelObjective> context) {
    if (RestoreHold.held(slo)) {
      return UpdateControl.<ServiceLevelObjective>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    var spec = slo.getSpec();
    var interval = Duration.ofSeconds(spec.evaluationIntervalSeconds);
    var previous = slo.getStatus();
    var status = carriedOver(slo);
    var found = SloEventSources.router(context, slo);
    if (found.isEmpty()) {
      setReady(
          slo,
          status,
          ConditionStatus.False,
          "RouterNotFound",
          "routerRef: LLMRouter " + spec.routerRef.name + " not found in this namespace");
      return StatusPatch.ifChanged(slo, status, context).rescheduleAfter(interval);
    }
    var router = found.get();
    BurnRateAlerts.apply(clients.hub(), slo);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Map<String, Map<Duration, UsageSample>> samples;
    try {
      samples = read(slo, router, context, now);
    } catch (RegionRedisClients.Unavailable e) {
      setReady(
          slo,
          status,
          ConditionStatus.False,
          "RedisUnavailable",
          "usage history unreadable, last evaluation stands: " + e.getMessage());
      return StatusPatch.ifChanged(slo, status, context).rescheduleAfter(interval);
    }
    var evaluation = SloEvaluation.evaluate(spec, samples);
    var lastActions =
        previous == null || previous.lastActions == null
            ? List.<SloActionRecord>of()
            : previous.lastActions;
    var actions =
        SloActionPlanner.decide(
            evaluation.rules(),
            lastActions,
            capacity(router),
            Duration.ofSeconds(spec.actionCooldownSeconds),
            now);
    recorder.measured(slo, evaluation);
    recorder.actions(slo, router, lastActions, actions);
    status.indicators = evaluation.indicators();
    status.errorBudgetRemainingPercent = evaluation.budgetRemainingPercent();
    status.burnRates = evaluation.burnRates();
    status.lastActions = actions.isEmpty() ? null : actions;
    setReady(
        slo,
        status,
        ConditionStatus.True,
        "Evaluated",
        "evaluated over " + samples.size() + " region(s)");
    conditions.set(
        status,
        previous,
        generation(slo),
        evaluation.met()
            ? new Condition(
                MET,
                ConditionStatus.True,
                "WithinTargets",
                "every target met over " + spec.windowDays + " day(s)")
            : new Condition(
                MET,
                ConditionStatus.False,
                "TargetMissed",
                "error budget spent: " + evaluation.budgetRemainingPercent() + "% left"));
    return StatusPatch.ifChanged(slo, status, context).rescheduleAfter(interval);
  }

  /** Per region with a Redis, what the router served over each window the objective reads. */
  private Map<String, Map<Duration, UsageSample>> read(
      ServiceLevelObjective slo,
      LLMRouter router,
      Context<ServiceLevelObjective> context,
      Instant now)
      throws RegionRedisClients.Unavailable {
    String owner = RouterKey.of(router).toString();
    var windows = SloEvaluation.windows(slo.getSpec());
    var samples = new LinkedHashMap<String, Map<Duration, UsageSample>>();
    for (var placement : router.getSpec().regions) {
      var region = SloEventSources.region(context, placement.name).orElse(null);
      if (region == null || region.getSpec().redis == null) {
        continue;
      }
      samples.put(
          placement.name,
          usage.windows(
              RedisAddress.of(region.getSpec().redis),
              owner,
              placement.name,
              windows,
              now,
              REDIS_TIMEOUT));
    }
    return samples;
  }

  /** Replicas each region runs now, and its most, for ScaleUp. */
  private static Map<String, Capacity> capacity(LLMRouter router) {
    var capacity = new HashMap<String, Capacity>();
    var status = router.getStatus();
    int max =
        router.getSpec().autoscaling.enabled
            ? router.getSpec().autoscaling.maxReplicas
            : Integer.MAX_VALUE;
    if (status != null) {
      for (var region : status.regions) {
        int running =
            Math.max(
                1,
                Math.max(
                    Objects.requireNonNullElse(region.desiredReplicas, 0),
                    Objects.requireNonNullElse(region.minReplicas, 0)));
        capacity.put(region.name, new Capacity(running, Math.max(running, max)));
      }
    }
    return capacity;
  }

  /** A fresh status keeping the last evaluation, for when this one cannot be made. */
  private static ServiceLevelObjectiveStatus carriedOver(ServiceLevelObjective slo) {
    var status = new ServiceLevelObjectiveStatus();
    status.observedGeneration = generation(slo);
    var previous = slo.getStatus();
    if (previous != null) {
      status.indicators = previous.indicators;
      status.errorBudgetRemainingPercent = previous.errorBudgetRemainingPercent;
      status.burnRates = previous.burnRates;
      status.lastActions = previous.lastActions;
      Conditions.find(previous, MET).ifPresent(met -> status.conditions.add(met));
    }
    return status;
  }

  private void setReady(
      ServiceLevelObjective slo,
      ServiceLevelObjectiveStatus status,
      ConditionStatus value,
      String reason,
      String message) {
    conditions.set(
        status, slo.getStatus(), generation(slo), Conditions.ready(value, reason, message));
  }

  private static long generation(ServiceLevelObjective slo) {
    Long generation = slo.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }
}
