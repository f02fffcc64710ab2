package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusPatchTest {

  @Test
  void statusesAreComparedByValue() {
    var router = Fixtures.router("ns", "r", List.of("p"), "eu");
    router.setStatus(status("1/1"));
    assertThat(StatusPatch.same(router.getStatus(), status("1/1"))).isTrue();
    assertThat(StatusPatch.same(router.getStatus(), status("0/1"))).isFalse();
  }

  @Test
  void theStatusPatchCarriesNoSpec() {
    var router = Fixtures.router("ns", "r", List.of("p"), "eu");
    router.getMetadata().setResourceVersion("42");
    router.setStatus(status("0/1"));
    LLMRouter patch = StatusPatch.statusOnly(router, status("1/1"));
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
