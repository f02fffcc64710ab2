package io.beastmode.bench.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.router.cache.semantic.HitPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheStreamTest {
  // 0 and 1 are one question; 2 and 3 differ (an entity swapped); 4 is asked twice word for word
  private static final List<String> TEXTS =
      List.of(
          "How do I learn Python?",
          "What is the best way to learn Python?",
          "How do I learn Java?",
          "How do I learn Ruby?",
          "How to cook rice?");
  private static final float[][] VECTORS = {
    {1, 0, 0, 0},
    {0.97f, 0.2431f, 0, 0},
    {0, 1, 0, 0},
    {0, 0.98f, 0.199f, 0},
    {0, 0, 0, 1}
  };
  private static final List<PairData.Pair> PAIRS =
      List.of(
          new PairData.Pair(0, 1, true, "qqp"),
          new PairData.Pair(2, 3, false, "qqp"),
          new PairData.Pair(4, 4, true, "qqp"));

  private static CacheStream stream() throws Exception {
    PairData data = PairData.of(TEXTS, PAIRS);
    return new CacheStream(data, PAIRS, i -> VECTORS[i], List.of(), null);
  }

  @Test
  void groupsAreTheTransitiveClosureOfSameQuestionPairs() {
    PairData data =
        PairData.of(
            List.of("a", "b", "c", "d"),
            List.of(
                new PairData.Pair(0, 1, true, "k"),
                new PairData.Pair(1, 2, true, "k"),
                new PairData.Pair(2, 3, false, "k")));
    assertThat(data.sameAnswer(0, 2)).isTrue();
    assertThat(data.sameAnswer(0, 3)).isFalse();
  }

  @Test
  void aFixedThresholdServesBothNeighboursAndOneIsWrong() throws Exception {
    CacheStream.Tally tally =
        stream().run(CacheStream.fixed(0.95, false), new CacheStream.Partition(1));
    assertThat(tally.exactHits).isEqualTo(1);
    assertThat(tally.all.requests).isEqualTo(2);
    assertThat(tally.all.hits).isEqualTo(2);
    assertThat(tally.all.wrong).isEqualTo(1);
    assertThat(tally.all.wrongPerRequest()).isEqualTo(0.5);
  }

  @Test
  void theGuardsRefuseTheEntitySwap() throws Exception {
    CacheStream.Tally tally =
        stream().run(CacheStream.fixed(0.95, true), new CacheStream.Partition(1));
    assertThat(tally.all.hits).isEqualTo(1);
    assertThat(tally.all.wrong).isZero();
  }

  @Test
  void aFreshPolicyExploresAndLearnsWithoutServing() throws Exception {
    HitPolicy policy = new HitPolicy(0.01, 1);
    CacheStream.Tally tally =
        stream().run(CacheStream.policy(policy), new CacheStream.Partition(1));
    assertThat(tally.all.hits).isZero();
    // the entity swap is refused before the policy looks at it: a miss, not an exploration
    assertThat(tally.all.explorations).isEqualTo(1);
    assertThat(tally.reasons).containsEntry("explore:unsure", 1L).containsEntry("miss:entity", 1L);
  }

  @Test
  void aSecondTenantFindsNothingOfTheFirstsCache() throws Exception {
    CacheStream stream = stream();
    stream.run(CacheStream.fixed(0.95, false), new CacheStream.Partition(1));
    CacheStream.Tally second =
        stream.run(CacheStream.fixed(0.95, false), new CacheStream.Partition(2));
    assertThat(second.crossTenantHits).isZero();
    // its own first questions are misses that fill its own cache, as the first tenant's were
    assertThat(second.exactHits).isEqualTo(1);
    assertThat(second.all.hits).isEqualTo(2);
  }

  @Test
  void theEvaluationReportsTheIssuesFields() throws Exception {
    PairData data = PairData.of(TEXTS, PAIRS);
    Map<String, Object> result =
        SemanticCacheEval.evaluate(data, VECTORS, text -> fakeVector(text), null, 0.01);
    assertThat(result)
        .containsKeys(
            "requests",
            "hit_rate",
            "wrong_per_request",
            "wrong_per_request_upper95",
            "wrong_per_hit",
            "delta",
            "cross_tenant_hits",
            "slices",
            "baseline_fixed",
            "exact_hit_rate");
    assertThat(result.get("requests")).isEqualTo(2L);
    assertThat(result.get("cross_tenant_hits")).isEqualTo(0L);
    // three first questions and three second ones; the repeated one is the only exact hit
    assertThat((double) result.get("exact_hit_rate")).isEqualTo(0.1667);
    // the policy served nothing wrong; no fixed threshold can say as much and serve anything, for
    // the wrong neighbour (0.98) is nearer than the right one (0.97)
    @SuppressWarnings("unchecked")
    Map<String, Object> baseline = (Map<String, Object>) result.get("baseline_fixed");
    assertThat(baseline.get("wrong_per_request")).isEqualTo(0.0);
    assertThat(baseline.get("hit_rate")).isEqualTo(0.0);
  }

  private static float[] fakeVector(String text) {
    java.util.Random random = new java.util.Random(text.hashCode());
    float[] v = new float[4];
    double norm = 0;
    for (int i = 0; i < 4; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < 4; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }
}
