package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.wire.ModelRoute;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
  static final Path LOCAL = Path.of("k8s", "examples", "local");

  @Test
  void theHandWrittenExampleRoutesToTheExampleSimulatorsModels() throws Exception {
    RoutingTable table =
        RoutingTable.parse(Files.readString(LOCAL.resolve("router-config.yaml")), null);
    SimulatorConfig simulator =
        SimulatorConfig.read(Files.readString(LOCAL.resolve("simulator-config.yaml")));

    assertThat(simulator.models().stream().map(SimulatedModel::name).toList())
        .containsAll(table.models().keySet());
    assertThat(table.config().selection().policy).isEqualTo(SelectionPolicy.cost);
    assertThat(table.models().get("gpt-4o").upstreamModel()).isEqualTo("gpt-4o");
    assertThat(table.config().limits().maxInFlight).isEqualTo(512);
    assertThat(table.usablePeers()).isEmpty();
  }

  @Test
  void theOperatorsRenderedConfigIsServedAsIs() throws Exception {
    String golden =
        Files.readString(Path.of("src", "test", "resources", "golden", "assistant-eu-west.yaml"));
    String configMap =
        java.util.Arrays.stream(golden.split("\n---\n"))
            .filter(document -> document.contains("kind: \"ConfigMap\""))
            .findFirst()
            .orElseThrow();
    String routing =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
                configMap, io.fabric8.kubernetes.api.model.ConfigMap.class)
            .getData()
            .get("routing.yaml");

    RoutingTable table =
        RoutingTable.parse(
            routing,
            "peers:\n- region: us-east\n  url: http://r.example\n  weight: 40\n- region: ap-south\n  url: http://s.example\n  weight: 0\n");

    assertThat(table.modelList())
        .extracting(ModelRoute::name)
        .containsExactly("gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b");
    assertThat(table.models().get("llama-3.1-70b").upstreamModel())
        .isEqualTo("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo");
    assertThat(table.usablePeers()).extracting(p -> p.region()).containsExactly("us-east");
  }

  @Test
  void whileAnSloDegradesTheRouterAliasesChooseByLatencyAndKeepTheirLimits() throws Exception {
    String routing = Files.readString(LOCAL.resolve("router-config.yaml"));
    var normal = RoutingTable.parse(routing, "peers: []\n");
    var degraded = RoutingTable.parse(routing, "peers: []\ndegraded: true\n");

    assertThat(degraded.selection().policy)
        .isEqualTo(io.beastmode.api.v1alpha1.SelectionPolicy.latency);
    assertThat(degraded.selection().qualityFloor).isEqualTo(normal.selection().qualityFloor);
    assertThat(degraded.selection().aliases).isEqualTo(normal.selection().aliases);
    assertThat(normal.selection()).isSameAs(normal.config().selection());
    assertThat(degraded.trafficVersion()).isNotEqualTo(normal.trafficVersion());
  }

  @Test
  void aConfigThatCannotBeServedIsRejectedWithTheReason() {
    assertThatThrownBy(() -> RoutingTable.parse("region: x\n", null))
        .hasMessageContaining("lists no models");
    assertThatThrownBy(() -> RoutingTable.parse("models: [{name: a}]\n", null))
        .hasMessageContaining("needs a name and a baseUrl");
    assertThatThrownBy(
            () -> RoutingTable.parse("models: [{name: a, baseUrl: 'http://x/v1'}]\n", null))
        .hasMessageContaining("contextWindow");
    assertThatThrownBy(
            () ->
                RoutingTable.parse(
                    "models: [{name: a, baseUrl: 'http://x/v1', contextWindow: 8}, {name: a, baseUrl: 'http://y/v1', contextWindow: 8}]\n",
                    null))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(
            () ->
                RoutingTable.parse(
                    "models: [{name: a, baseUrl: 'http://x/v1', contextWindow: 8}]\nfallback: {chain: [b]}\n",
                    null))
        .hasMessageContaining("fallback model b");
  }

  @Test
  void theVersionFollowsTheRoutingFileOnly() throws Exception {
    String routing = "models: [{name: a, baseUrl: 'http://x/v1', contextWindow: 8}]\n";
    assertThat(RoutingTable.parse(routing, null).version())
        .isEqualTo(RoutingTable.parse(routing, "peers: []\n").version());
    assertThat(RoutingTable.parse(routing + "region: b\n", null).version())
        .isNotEqualTo(RoutingTable.parse(routing, null).version());
  }
}
