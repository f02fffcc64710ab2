package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.BurnRateStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;

/**
 * Runs the objective controller's recorder through one evaluation and one action taken, so every
 * meter it registers exists.
 */
public final class SloRecorderExercise {
  private SloRecorderExercise() {}

  /**
   * @param hub where Events go; one that cannot be reached only logs them
   */
  public static void run(MeterRegistry registry, KubernetesClient hub) {
    var slo = new ServiceLevelObjective();
    slo.setMetadata(
        new ObjectMetaBuilder().withNamespace("dashboards-test").withName("chat").build());
    var router = new LLMRouter();
    router.setMetadata(
        new ObjectMetaBuilder().withNamespace("dashboards-test").withName("assistant").build());
    var recorder = new SloRecorder(hub, registry, Clock.systemUTC());

    var rate = new BurnRateStatus();
    rate.rule = "fast";
    rate.longWindowRate = 20.0;
    rate.shortWindowRate = 30.0;
    recorder.measured(slo, new SloEvaluation(null, 42.0, false, List.of(rate), List.of()));

    var taken = new SloActionRecord();
    taken.action = SloAction.Alert;
    taken.reason = "rule fast burns";
    taken.takenAt = "2026-11-21T10:00:00Z";
    recorder.actions(slo, router, List.of(), List.of(taken));
  }
}
