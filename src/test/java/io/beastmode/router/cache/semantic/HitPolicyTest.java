package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HitPolicyTest {
  private static final String CACHED = "How can I improve my English?";
  private static final String ASKED = "What are ways to improve my English?";

  private static HitPolicy policy() {
    return new HitPolicy(0.01, 1, 0);
  }

  private static List<Candidate> near(long entry, float similarity) {
    return List.of(new Candidate(entry, CACHED, similarity));
  }

  @Test
  void withoutLabelsItExploresAndNeverServes() {
    Decision decision = policy().decide(ASKED, near(1, 0.99f));
    assertThat(decision.verdict()).isEqualTo(Verdict.explore);
    assertThat(decision.candidate().entryId()).isEqualTo(1);
  }

  @Test
  void belowTheFloorItMissesWithoutExploring() {
    Decision decision = policy().decide(ASKED, near(1, 0.79f));
    assertThat(decision.verdict()).isEqualTo(Verdict.miss);
    assertThat(decision.reason()).isEqualTo("far");
    assertThat(policy().decide(ASKED, List.of()).verdict()).isEqualTo(Verdict.miss);
  }

  @Test
  void beforeTrafficIsKnownItServesABinOnlyWhenItsOwnBoundIsWithinDelta() {
    // 0 wrong in 298 labels bounds the rate at 1.0002 %, in 299 at 0.9969 % (1 - 0.05^(1/n))
    HitPolicy policy = policy();
    for (int i = 0; i < 298; i++) {
      policy.learn(100 + i, 0.971f, true);
    }
    assertThat(policy.decide(ASKED, near(1, 0.972f)).verdict()).isEqualTo(Verdict.explore);
    policy.learn(999, 0.973f, true);
    Decision decision = policy.decide(ASKED, near(1, 0.972f));
    assertThat(decision.verdict()).isEqualTo(Verdict.serve);
    assertThat(decision.candidate().entryId()).isEqualTo(1);
    // a bin above, without labels of its own, is bounded by pooling the bins below it
    assertThat(policy.decide(ASKED, near(1, 0.977f)).verdict()).isEqualTo(Verdict.serve);
    // a bin below is not
    assertThat(policy.decide(ASKED, near(1, 0.968f)).verdict()).isEqualTo(Verdict.explore);
  }

  @Test
  void withTrafficKnownItSpendsDeltaOverTheShareOfRequestsServed() {
    // 100 labels, none wrong: bound 2.95 %. Served on half the requests: 1.48 % > 1 %; on a
    // quarter: 0.74 % <= 1 %.
    HitPolicy half = policy();
    HitPolicy quarter = policy();
    for (int i = 0; i < 100; i++) {
      half.learn(i, 0.981f, true);
      quarter.learn(i, 0.981f, true);
    }
    for (int i = 0; i < 1000; i++) {
      half.decide(ASKED, i % 2 == 0 ? near(1, 0.982f) : List.of());
      quarter.decide(ASKED, i % 4 == 0 ? near(1, 0.982f) : List.of());
    }
    assertThat(half.decide(ASKED, near(1, 0.982f)).verdict()).isNotEqualTo(Verdict.serve);
    assertThat(quarter.decide(ASKED, near(1, 0.982f)).verdict()).isEqualTo(Verdict.serve);
    assertThat(quarter.servingFrom()).isEqualTo(0.98, org.assertj.core.api.Assertions.within(1e-9));
  }

  @Test
  void aRareBinIsNotServedWhenItsOwnBoundIsAboveAQuarter() {
    // 2 wrong in 20: bound 28.3 %; 1 wrong in 20: 21.6 %. On 0.1 % of requests either costs
    // less than δ, but only the second may be served.
    HitPolicy worse = policy();
    HitPolicy better = policy();
    for (int i = 0; i < 20; i++) {
      worse.learn(i, 0.991f, i >= 2);
      better.learn(i, 0.991f, i >= 1);
    }
    for (int i = 0; i < 1000; i++) {
      worse.decide(ASKED, List.of());
      better.decide(ASKED, List.of());
    }
    assertThat(worse.decide(ASKED, near(50, 0.992f)).verdict()).isNotEqualTo(Verdict.serve);
    assertThat(better.decide(ASKED, near(50, 0.992f)).verdict()).isEqualTo(Verdict.serve);
  }

  @Test
  void wrongLabelsRaiseTheBound() {
    HitPolicy policy = policy();
    for (int i = 0; i < 400; i++) {
      policy.learn(i, 0.991f, i % 50 != 0); // 2 % wrong
    }
    assertThat(policy.decide(ASKED, near(1, 0.992f)).verdict()).isNotEqualTo(Verdict.serve);
  }

  @Test
  void anEntryFoundWrongIsNotServedAtOrBelowThatSimilarityUntilForgotten() {
    HitPolicy policy = policy();
    for (int i = 0; i < 2000; i++) {
      policy.learn(100 + i, 0.95f + (i % 10) * 0.005f, true);
    }
    policy.learn(7, 0.97f, false);
    assertThat(policy.decide(ASKED, near(7, 0.97f)).reason()).isEqualTo("entry-wrong");
    assertThat(policy.decide(ASKED, near(7, 0.98f)).verdict()).isEqualTo(Verdict.serve);
    policy.forget(7);
    assertThat(policy.decide(ASKED, near(7, 0.97f)).verdict()).isEqualTo(Verdict.serve);
  }

  @Test
  void aGuardedCandidateIsPassedOverForTheNextOne() {
    HitPolicy policy = policy();
    for (int i = 0; i < 400; i++) {
      policy.learn(i, 0.951f, true);
    }
    List<Candidate> candidates =
        List.of(
            new Candidate(1, "How do I turn off dark mode?", 0.99f),
            new Candidate(2, "How can I switch on dark mode?", 0.955f));
    Decision decision = policy.decide("How do I turn on dark mode?", candidates);
    assertThat(decision.verdict()).isEqualTo(Verdict.serve);
    assertThat(decision.candidate().entryId()).isEqualTo(2);
    Decision refused = policy.decide("How do I turn on dark mode?", candidates.subList(0, 1));
    assertThat(refused.verdict()).isEqualTo(Verdict.miss);
    assertThat(refused.reason()).isEqualTo("antonym");
  }

  @Test
  void theSameLabelsRebuildTheSameState() {
    HitPolicy before = policy();
    HitPolicy after = policy();
    for (int i = 0; i < 3000; i++) {
      float similarity = 0.9f + (i % 20) * 0.005f;
      boolean correct = i % 7 != 0 || similarity > 0.96f;
      before.learn(i, similarity, correct);
      after.learn(i, similarity, correct);
    }
    assertThat(after.servingFrom()).isEqualTo(before.servingFrom()).isLessThan(1.0);
  }

  @Test
  void auditsExploreSomeServableRequests() {
    HitPolicy policy = new HitPolicy(0.01, 5);
    for (int i = 0; i < 400; i++) {
      policy.learn(i, 0.991f, true);
    }
    long audits = 0;
    for (int i = 0; i < 1000; i++) {
      Decision d = policy.decide(ASKED, near(1, 0.992f));
      assertThat(d.verdict()).isNotEqualTo(Verdict.miss);
      audits += "audit".equals(d.reason()) ? 1 : 0;
    }
    assertThat(audits).isBetween(5L, 60L);
  }
}
