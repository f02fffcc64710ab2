package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPatchTest {

  @Test
  void anUnchangedStatusIsNotPatched() {
    var router = Fixtures.router("ns", "r", List.of("p"), "eu");
    router.setStatus(status("1/1"));
    assertThat(StatusPatch.ifChanged(router, status("1/1")).isNoUpdate()).isTrue();
  }

  @Test
  void aChangedStatusIsPatchedWithoutAnySpec() {
    var router = Fixtures.router("ns", "r", List.of("p"), "eu");
    router.getMetadata().setResourceVersion("42");
    router.setStatus(status("0/1"));
    var control = StatusPatch.ifChanged(router, status("1/1"));
    assertThat(control.isPatchStatus()).isTrue();
    LLMRouter patch = control.getResource().orElseThrow();
    assertThat(patch.getSpec()).isNull();
    assertThat(patch.getMetadata().getName()).isEqualTo("r");
    assertThat(patch.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(patch.getStatus().readyRegions).isEqualTo("1/1");
  }

  private static LLMRouterStatus status(String readyRegions) {
    var status = new LLMRouterStatus();
    status.observedGeneration = 1L;
    status.readyRegions = readyRegions;
    return status;
  }
}
