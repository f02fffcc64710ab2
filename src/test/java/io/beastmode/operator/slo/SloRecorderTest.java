package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.BurnRateStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.ServiceLevelObjectiveSpec;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.api.v1alpha1.SloActionRecord;
import io.beastmode.operator.CatalogueOnly;
import io.beastmode.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloRecorderTest {

  /** Through one evaluation and one action taken. */
  @Test
  void theObjectiveRecorderRegistersOnlyCatalogueMeters() {
    var registry = new SimpleMeterRegistry();
    var slo = new ServiceLevelObjective();
    slo.setMetadata(new ObjectMetaBuilder().withNamespace("test").withName("chat").build());
    slo.setSpec(new ServiceLevelObjectiveSpec());
    slo.getSpec().burnRateRules = List.of(Fixtures.burnRateRule("fast", "1h", "5m", 14.4));
    var router = new LLMRouter();
    router.setMetadata(new ObjectMetaBuilder().withNamespace("test").withName("assistant").build());
    try (var hub = CatalogueOnly.absentHub()) {
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

    CatalogueOnly.assertDeclared(registry);
  }
}
