package io.beastmode.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.router.select.Verdict.Outcome;
import io.beastmode.wire.ModelRoute;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelSelectorTest {
  static final ModelRoute GPT_4O =
      model("gpt-4o", 2.50, 10.00, 0.88, 128_000, true, Map.of("code", 0.90));
  static final ModelRoute GPT_4O_MINI =
      model("gpt-4o-mini", 0.15, 0.60, 0.78, 128_000, true, Map.of());
  static final ModelRoute LLAMA_70B =
      model("llama-3.1-70b", 0.88, 0.88, 0.80, 131_072, true, Map.of("code", 0.95));
  static final ModelRoute LLAMA_8B =
      model("llama-3.1-8b", 0.05, 0.08, 0.62, 8_192, false, Map.of());
  static final List<ModelRoute> MODELS = List.of(GPT_4O, GPT_4O_MINI, LLAMA_70B, LLAMA_8B);

  static final RequestNeeds SHORT_CHAT = new RequestNeeds(200, 0, false, false, false, false, null);

  @Test
  void costPicksTheCheapestModelAboveTheQualityFloor() {
    Selection selection =
        select("auto", spec(SelectionPolicy.cost, 0.75), List.of(), SHORT_CHAT, BackendView.NONE);

    assertThat(names(selection.attempts())).startsWith("gpt-4o-mini");
    assertThat(verdict(selection, "llama-3.1-8b").outcome()).isEqualTo(Outcome.excluded);
    assertThat(verdict(selection, "llama-3.1-8b").reason()).contains("quality 0.62 < floor 0.75");
    assertThat(verdict(selection, "gpt-4o").reason())
        .startsWith("attempt 3, usd 0.003060 vs usd 0.000184");
  }

  @Test
  void costWithoutFloorTakesTheCheapestThatFitsTheContextWindow() {
    assertThat(
            select("auto", spec(SelectionPolicy.cost, 0), List.of(), SHORT_CHAT, BackendView.NONE)
                .attempts()
                .get(0))
        .isEqualTo(LLAMA_8B);

    RequestNeeds longPrompt = new RequestNeeds(9_000, 500, false, false, false, false, null);
    Selection selection =
        select("auto", spec(SelectionPolicy.cost, 0), List.of(), longPrompt, BackendView.NONE);
    assertThat(selection.attempts().get(0)).isEqualTo(GPT_4O_MINI);
    assertThat(verdict(selection, "llama-3.1-8b").reason())
        .contains("needs 9500 tokens > context 8192");
  }

  @Test
  void capabilitiesExcludeModelsThatCannotServeTheRequest() {
    RequestNeeds tools = new RequestNeeds(200, 0, true, false, false, false, null);
    Selection selection =
        select("auto", spec(SelectionPolicy.cost, 0), List.of(), tools, BackendView.NONE);

    assertThat(names(selection.attempts()))
        .doesNotContain("llama-3.1-8b")
        .startsWith("gpt-4o-mini");
    assertThat(verdict(selection, "llama-3.1-8b").reason()).isEqualTo("no tools");
  }

  @Test
  void qualityPicksTheBestWithinTheCostCeilingAndUsesDomainQuality() {
    SelectionSpec spec = spec(SelectionPolicy.quality, 0);
    assertThat(select("auto", spec, List.of(), SHORT_CHAT, BackendView.NONE).attempts().get(0))
        .isEqualTo(GPT_4O);

    spec.maxOutputPricePerMillion = 1.0;
    assertThat(select("auto", spec, List.of(), SHORT_CHAT, BackendView.NONE).attempts().get(0))
        .isEqualTo(LLAMA_70B);

    spec.maxOutputPricePerMillion = null;
    RequestNeeds code = new RequestNeeds(200, 0, false, false, false, false, "code");
    assertThat(select("auto", spec, List.of(), code, BackendView.NONE).attempts().get(0))
        .isEqualTo(LLAMA_70B);
  }

  @Test
  void latencyPicksTheLowestObservedAverage() {
    BackendView latencies =
        view(
            Map.of(
                "gpt-4o", 300.0, "gpt-4o-mini", 120.0, "llama-3.1-70b", 80.0, "llama-3.1-8b", 40.0),
            Set.of());
    Selection selection =
        select("auto", spec(SelectionPolicy.latency, 0.75), List.of(), SHORT_CHAT, latencies);

    assertThat(names(selection.attempts()))
        .containsExactly("llama-3.1-70b", "gpt-4o-mini", "gpt-4o");
  }

  @Test
  void balancedWeighsCostQualityAndLatency() {
    BackendView latencies =
        view(Map.of("gpt-4o", 100.0, "gpt-4o-mini", 100.0, "llama-3.1-70b", 100.0), Set.of());
    SelectionSpec costHeavy = spec(SelectionPolicy.balanced, 0.75);
    costHeavy.weights.cost = 0.9;
    costHeavy.weights.quality = 0.1;
    costHeavy.weights.latency = 0;
    assertThat(select("auto", costHeavy, List.of(), SHORT_CHAT, latencies).attempts().get(0))
        .isEqualTo(GPT_4O_MINI);

    SelectionSpec qualityOnly = spec(SelectionPolicy.balanced, 0.75);
    qualityOnly.weights.cost = 0;
    qualityOnly.weights.quality = 1;
    qualityOnly.weights.latency = 0;
    assertThat(select("auto", qualityOnly, List.of(), SHORT_CHAT, latencies).attempts().get(0))
        .isEqualTo(GPT_4O);

    BackendView slowMini =
        view(Map.of("gpt-4o", 100.0, "gpt-4o-mini", 2000.0, "llama-3.1-70b", 100.0), Set.of());
    SelectionSpec latencyHeavy = spec(SelectionPolicy.balanced, 0.75);
    latencyHeavy.weights.cost = 0.3;
    latencyHeavy.weights.quality = 0;
    latencyHeavy.weights.latency = 0.7;
    assertThat(select("auto", latencyHeavy, List.of(), SHORT_CHAT, slowMini).attempts().get(0))
        .isEqualTo(LLAMA_70B);
  }

  @Test
  void theConfiguredChainFollowsTheChosenModel() {
    Selection selection =
        select(
            "auto",
            spec(SelectionPolicy.cost, 0.75),
            List.of("llama-3.1-70b", "gpt-4o"),
            SHORT_CHAT,
            BackendView.NONE);

    assertThat(names(selection.attempts()))
        .containsExactly("gpt-4o-mini", "llama-3.1-70b", "gpt-4o");
    assertThat(verdict(selection, "llama-3.1-70b").outcome()).isEqualTo(Outcome.fallback);
  }

  @Test
  void aConcreteModelIsTakenAsAskedWithItsChain() {
    Selection selection =
        select(
            "gpt-4o",
            spec(SelectionPolicy.cost, 0.75),
            List.of("gpt-4o-mini"),
            SHORT_CHAT,
            BackendView.NONE);

    assertThat(names(selection.attempts())).containsExactly("gpt-4o", "gpt-4o-mini");
    assertThat(selection.policy()).isNull();
    assertThat(selection.mostExpensiveEligible()).isEqualTo(GPT_4O);
    assertThat(verdict(selection, "llama-3.1-8b").reason()).isEqualTo("not requested");
  }

  @Test
  void anOpenCircuitSkipsTheModelAndIsReportedAsSuch() {
    BackendView miniOpen = view(Map.of(), Set.of("gpt-4o-mini"));
    Selection selection =
        select(
            "auto",
            spec(SelectionPolicy.cost, 0.75),
            List.of("gpt-4o-mini", "gpt-4o"),
            SHORT_CHAT,
            miniOpen);

    assertThat(names(selection.attempts())).containsExactly("llama-3.1-70b", "gpt-4o");
    assertThat(verdict(selection, "gpt-4o-mini").reason()).isEqualTo(Verdict.CIRCUIT_OPEN);
    assertThat(selection.mostExpensiveEligible()).isEqualTo(GPT_4O);

    Selection allOpen =
        select("gpt-4o-mini", spec(SelectionPolicy.cost, 0.75), List.of(), SHORT_CHAT, miniOpen);
    assertThat(allOpen.attempts()).isEmpty();
    assertThat(allOpen.blockedByOpenCircuits()).isTrue();
  }

  @Test
  void nothingFitsIsNotBlamedOnCircuits() {
    RequestNeeds huge = new RequestNeeds(500_000, 0, false, false, false, false, null);
    Selection selection =
        select("auto", spec(SelectionPolicy.cost, 0), List.of(), huge, BackendView.NONE);

    assertThat(selection.attempts()).isEmpty();
    assertThat(selection.blockedByOpenCircuits()).isFalse();
    assertThat(selection.explain())
        .contains("gpt-4o=excluded(needs 500000 tokens > context 128000)");
  }

  @Test
  void withoutAChainAnAliasFallsBackToTheNextRanked() {
    Selection selection =
        select("auto", spec(SelectionPolicy.cost, 0.75), List.of(), SHORT_CHAT, BackendView.NONE);

    assertThat(names(selection.attempts()))
        .containsExactly("gpt-4o-mini", "llama-3.1-70b", "gpt-4o");
  }

  private static Selection select(
      String requested,
      SelectionSpec spec,
      List<String> chain,
      RequestNeeds needs,
      BackendView view) {
    return ModelSelector.select(requested, MODELS, spec, chain, needs, view);
  }

  static SelectionSpec spec(SelectionPolicy policy, double floor) {
    SelectionSpec spec = new SelectionSpec();
    spec.policy = policy;
    spec.qualityFloor = floor;
    return spec;
  }

  static BackendView view(Map<String, Double> latencies, Set<String> open) {
    return new BackendView() {
      @Override
      public double latencyMs(String model) {
        return latencies.getOrDefault(model, Double.NaN);
      }

      @Override
      public boolean coolingDown(String model) {
        return open.contains(model);
      }
    };
  }

  private static List<String> names(List<ModelRoute> models) {
    return models.stream().map(ModelRoute::name).toList();
  }

  private static Verdict verdict(Selection selection, String model) {
    return selection.verdicts().stream()
        .filter(v -> v.model().equals(model))
        .findFirst()
        .orElseThrow();
  }

  static ModelRoute model(
      String name,
      double in,
      double out,
      double quality,
      int context,
      boolean tools,
      Map<String, Double> domains) {
    ModelCapabilities caps = new ModelCapabilities();
    caps.tools = tools;
    return new ModelRoute(
        name,
        "pool",
        name,
        "http://127.0.0.1:1/v1",
        null,
        in,
        out,
        quality,
        domains,
        context,
        null,
        caps);
  }
}
