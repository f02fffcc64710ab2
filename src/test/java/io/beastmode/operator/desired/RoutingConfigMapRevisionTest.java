package io.beastmode.operator.desired;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The revision that orders the routing ConfigMap's versions for the routers. */
class RoutingConfigMapRevisionTest {
  private static final long NOW = 1_800_000_000_000L;

  private static ConfigMap files(String traffic) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("chat-routing")
        .endMetadata()
        .withData(Map.of("routing.yaml", "models: []", "traffic.yaml", traffic))
        .build();
  }

  private static ConfigMap live(String traffic, long revision) {
    var data = new HashMap<>(files(traffic).getData());
    data.put(RoutingConfigMap.REVISION_KEY, Long.toString(revision));
    return new ConfigMapBuilder(files(traffic))
        .editMetadata()
        .withResourceVersion("7")
        .endMetadata()
        .withData(data)
        .build();
  }

  @Test
  void unchangedFilesKeepTheirRevisionSoAnApplyChangesNothing() {
    var stamped = RoutingConfigMap.withRevision(files("a"), live("a", 42), NOW);
    assertThat(RoutingConfigMap.revision(stamped)).isEqualTo(42);
    assertThat(stamped.getMetadata().getResourceVersion()).isNull();
  }

  @Test
  void aNewRevisionIsWrittenOnlyOverTheLiveVersionItWasCountedFrom() {
    var stamped = RoutingConfigMap.withRevision(files("b"), live("a", 42), NOW);
    assertThat(stamped.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(RoutingConfigMap.withRevision(files("b"), null, NOW).getMetadata())
        .extracting(m -> m.getResourceVersion())
        .isNull();
  }

  @Test
  void changedFilesGetARevisionAfterTheLiveOneAndNotBelowTheClock() {
    assertThat(RoutingConfigMap.revision(RoutingConfigMap.withRevision(files("b"), null, NOW)))
        .isEqualTo(NOW);
    assertThat(
            RoutingConfigMap.revision(
                RoutingConfigMap.withRevision(files("b"), live("a", 42), NOW)))
        .isEqualTo(NOW);
    // A clock behind the live revision (a standby hub's) still moves it forward.
    assertThat(
            RoutingConfigMap.revision(
                RoutingConfigMap.withRevision(files("b"), live("a", NOW + 5_000), NOW)))
        .isEqualTo(NOW + 5_001);
  }

  @Test
  void aConfigMapWrittenBeforeRevisionsGetsOne() {
    assertThat(
            RoutingConfigMap.revision(RoutingConfigMap.withRevision(files("a"), files("a"), NOW)))
        .isEqualTo(NOW);
  }
}
