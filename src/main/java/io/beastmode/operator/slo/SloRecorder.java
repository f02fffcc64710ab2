package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.operator.Events;
import io.beastmode.operator.OperatorMeters;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Makes an objective's evaluation visible: burn rates and budget as metrics (the PrometheusRule's
 * alerts read them), and an Event for every action taken or undone. Alert actions are also recorded
 * on the router, where people look first.
 */
final class SloRecorder {
  private final Events events;
  private final MeterRegistry registry;
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  SloRecorder(KubernetesClient hub, MeterRegistry registry, Clock clock) {
    this.events = new Events(hub, clock);
    this.registry = registry;
  }

  void measured(ServiceLevelObjective slo, SloEvaluation evaluation) {
    String name = key(slo);
    gauge(OperatorMeters.SLO_ERROR_BUDGET_REMAINING, name).set(evaluation.budgetRemainingPercent());
    // At zero from the start, so increase() counts an objective's first action too.
    for (var rule : slo.getSpec().burnRateRules) {
      for (var action : rule.actions) {
        OperatorMeters.SLO_ACTIONS.counter(registry, name, action.name());
      }
    }
    for (var rate : evaluation.burnRates()) {
      gauge(OperatorMeters.SLO_BURN_RATE, name, rate.rule, "long").set(rate.longWindowRate);
      gauge(OperatorMeters.SLO_BURN_RATE, name, rate.rule, "short").set(rate.shortWindowRate);
    }
  }

  /** Events and counts for the records that are new or newly undone since {@code previous}. */
  void actions(
      ServiceLevelObjective slo,
      LLMRouter router,
      List<SloActionRecord> previous,
      List<SloActionRecord> next) {
    for (var record : next) {
      var before =
          previous.stream()
              .filter(
                  p ->
                      p.action == record.action
                          && Objects.equals(p.region, record.region)
                          && Objects.equals(p.takenAt, record.takenAt))
              .findFirst();
      String where =
          record.region == null
              ? "router " + router.getMetadata().getName()
              : "region " + record.region;
      if (before.isEmpty()) {
        OperatorMeters.SLO_ACTIONS.counter(registry, key(slo), record.action.name()).increment();
        events.warning(
            slo, "SloActionTaken", record.action + " for " + where + ": " + record.reason);
        if (record.action == SloAction.Alert) {
          events.warning(
              router,
              "SloBurning",
              "objective " + slo.getMetadata().getName() + ": " + record.reason);
        }
      } else if (before.get().undoneAt == null && record.undoneAt != null) {
        events.normal(
            slo, "SloActionUndone", record.action + " for " + where + " undone: the burn stopped");
        if (record.action == SloAction.Alert) {
          events.normal(
              router,
              "SloRecovered",
              "objective " + slo.getMetadata().getName() + " burns within its rules again");
        }
      }
    }
  }

  private AtomicReference<Double> gauge(OperatorMeters.Declared meter, String... tagValues) {
    return gauges.computeIfAbsent(
        meter.name() + "|" + String.join("|", tagValues),
        k -> meter.gauge(registry, new AtomicReference<>(0.0), AtomicReference::get, tagValues));
  }

  static String key(ServiceLevelObjective slo) {
    return slo.getMetadata().getNamespace() + "/" + slo.getMetadata().getName();
  }
}
