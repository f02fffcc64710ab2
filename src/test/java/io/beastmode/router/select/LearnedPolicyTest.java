package io.beastmode.router.select;

import static io.beastmode.router.select.ModelSelectorTest.GPT_4O;
import static io.beastmode.router.select.ModelSelectorTest.GPT_4O_MINI;
import static io.beastmode.router.select.ModelSelectorTest.LLAMA_70B;
import static io.beastmode.router.select.ModelSelectorTest.LLAMA_8B;
import static io.beastmode.router.select.ModelSelectorTest.MODELS;
import static io.beastmode.router.select.ModelSelectorTest.SHORT_CHAT;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.router.select.Verdict.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnedPolicyTest {

  private static SelectionSpec learned(double threshold) {
    SelectionSpec spec = ModelSelectorTest.spec(SelectionPolicy.learned, 0);
    spec.learnedThreshold = threshold;
    return spec;
  }

  private static Selection select(
      SelectionSpec spec, RequestNeeds needs, BackendView backends, Map<String, Double> chances) {
    return ModelSelector.select("auto", MODELS, spec, List.of(), needs, backends, chances);
  }

  private static final Map<String, Double> CHANCES =
      Map.of("gpt-4o", 0.9, "gpt-4o-mini", 0.72, "llama-3.1-70b", 0.8, "llama-3.1-8b", 0.4);

  @Test
  void theCheapestModelPredictedGoodEnoughIsChosen() {
    // Costs: llama-3.1-8b < gpt-4o-mini < llama-3.1-70b < gpt-4o.
    assertThat(select(learned(0.7), SHORT_CHAT, BackendView.NONE, CHANCES).attempts().get(0))
        .isEqualTo(GPT_4O_MINI);
    assertThat(select(learned(0.75), SHORT_CHAT, BackendView.NONE, CHANCES).attempts().get(0))
        .isEqualTo(LLAMA_70B);
    assertThat(select(learned(0.3), SHORT_CHAT, BackendView.NONE, CHANCES).attempts().get(0))
        .isEqualTo(LLAMA_8B);
  }

  @Test
  void whenNoModelReachesTheThresholdTheLikeliestIsChosenAndTheOthersFollowByChance() {
    Selection selection = select(learned(0.95), SHORT_CHAT, BackendView.NONE, CHANCES);

    assertThat(selection.attempts()).containsExactly(GPT_4O, LLAMA_70B, GPT_4O_MINI, LLAMA_8B);
    assertThat(selection.policy()).isEqualTo(SelectionPolicy.learned);
  }

  @Test
  void theDecisionShowsEachModelsChanceAndTheThreshold() {
    Selection selection = select(learned(0.75), SHORT_CHAT, BackendView.NONE, CHANCES);

    assertThat(selection.explain())
        .startsWith("policy=learned")
        .contains("llama-3.1-70b=chosen(chance 0.800 >= threshold 0.75")
        .contains("gpt-4o-mini=fallback(attempt 3, chance 0.720 < threshold 0.75");
  }

  @Test
  void contextAndCircuitsFilterBeforeThePrediction() {
    RequestNeeds longPrompt = new RequestNeeds(9_000, 500, false, false, false, false, null);
    Selection tooLong = select(learned(0.3), longPrompt, BackendView.NONE, CHANCES);
    assertThat(tooLong.attempts().get(0)).isEqualTo(GPT_4O_MINI);
    assertThat(verdictOf(tooLong, "llama-3.1-8b").outcome()).isEqualTo(Outcome.excluded);

    BackendView miniOpen =
        new BackendView() {
          @Override
          public double latencyMs(String model) {
            return Double.NaN;
          }

          @Override
          public boolean coolingDown(String model) {
            return model.equals("gpt-4o-mini");
          }
        };
    assertThat(select(learned(0.7), SHORT_CHAT, miniOpen, CHANCES).attempts().get(0))
        .isEqualTo(LLAMA_70B);
  }

  @Test
  void aModelWithoutPredictionCountsAtItsQualityScore() {
    // Nothing learned: qualities 0.88, 0.78, 0.80, 0.62; the cheapest at 0.75 or more is mini.
    assertThat(select(learned(0.75), SHORT_CHAT, BackendView.NONE, Map.of()).attempts().get(0))
        .isEqualTo(GPT_4O_MINI);
  }

  private static Verdict verdictOf(Selection selection, String model) {
    return selection.verdicts().stream()
        .filter(v -> v.model().equals(model))
        .findFirst()
        .orElseThrow();
  }
}
