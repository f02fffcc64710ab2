package io.beastmode.router.select.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.beastmode.router.select.policy.PolicyGroups.GroupStatus;
import io.beastmode.router.select.policy.PolicyGroups.Key;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PolicyGroupsTest {
  static final int LENGTH = CandidatePolicy.length.bit();
  static final PromptFeatures PROMPT = PolicyRoutingTest.SHORT;

  /**
   * Every outcome below is one where length wanted the strong model and learned the cheap one,
   * taken with propensity 0.5 and no predicted chances, so the doubly robust paired difference
   * (length minus learned) of each is plain weighting: +2 for a good strong answer, −2 for a good
   * cheap one, 0 for a bad cheap one.
   */
  static LoggedOutcome lengthRight(Key group) {
    return new LoggedOutcome(LENGTH, true, 0.5, 1, Double.NaN, Double.NaN, group);
  }

  static LoggedOutcome cheapWrong(Key group) {
    return new LoggedOutcome(LENGTH, false, 0.5, 0, Double.NaN, Double.NaN, group);
  }

  static LoggedOutcome learnedRight(Key group) {
    return new LoggedOutcome(LENGTH, false, 0.5, 1, Double.NaN, Double.NaN, group);
  }

  static List<LoggedOutcome> mixed(Key group, int n) {
    List<LoggedOutcome> log = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      log.add(i % 2 == 0 ? lengthRight(group) : cheapWrong(group));
    }
    return log;
  }

  @Test
  void
      aGroupWhoseOwnOutcomesShowAnotherPolicyBetterFollowsItAndOneWithoutEnoughStaysWithTheRouters() {
    PolicyRouting routing = learnedOrLength();
    Key a = new Key("a", -1);
    Key b = new Key("b", -1);
    List<LoggedOutcome> log = new ArrayList<>();
    // Tenant a: 60 outcomes, half +2 and half 0: mean 1, sd 1.008, standard error 0.130, so the
    // advantage's 99.9 % lower bound is 1 − 3.29 × 0.130 = 0.57 > 0: a moves to length.
    log.addAll(mixed(a, 60));
    // Tenant b: the same evidence, 40 outcomes, under the 50 a group needs before it may switch.
    log.addAll(mixed(b, 40));
    // The rest of the router's traffic shows learned better: router-wide the mean difference is
    // (30 × 2 + 20 × 2 − 100 × 2) / 200 = −0.5, so the router keeps learned.
    for (int i = 0; i < 100; i++) {
      log.add(learnedRight(Key.NONE));
    }
    Collections.shuffle(log, new java.util.Random(5));
    routing.recordAll(log);

    assertThat(routing.inForce()).isEqualTo(CandidatePolicy.learned);
    GroupStatus tenantA = group(routing, "a");
    assertThat(tenantA.own()).isEqualTo(CandidatePolicy.length);
    assertThat(tenantA.inForce()).isEqualTo(CandidatePolicy.length);
    assertThat(tenantA.outcomes()).isEqualTo(60);
    var advantage = tenantA.advantages().get(CandidatePolicy.length);
    assertThat(advantage.estimate()).isCloseTo(1.0, within(1e-12));
    assertThat(advantage.low()).isCloseTo(1 - 1.96 * Math.sqrt(60.0 / 59 / 60), within(1e-9));
    GroupStatus tenantB = group(routing, "b");
    assertThat(tenantB.own()).isNull();
    assertThat(tenantB.inForce()).isEqualTo(CandidatePolicy.learned);

    // Without exploration a decision follows its group's policy exactly: length wants the long
    // prompt strong, learned (told cheap here) does not.
    PromptFeatures longPrompt = PolicyRoutingTest.LONG;
    routing.decide(PROMPT, 0.9, 0.9, false, Key.NONE);
    PolicyRouting.Decision forA = routing.decide(longPrompt, 0.9, 0.9, false, a);
    assertThat(forA.inForce()).isEqualTo(CandidatePolicy.length);
    assertThat(forA.strong()).isTrue();
    PolicyRouting.Decision forB = routing.decide(longPrompt, 0.9, 0.9, false, b);
    assertThat(forB.inForce()).isEqualTo(CandidatePolicy.learned);
    assertThat(forB.strong()).isFalse();
    PolicyRouting.Decision forNobody = routing.decide(longPrompt, 0.9, 0.9, false, Key.NONE);
    assertThat(forNobody.inForce()).isEqualTo(CandidatePolicy.learned);
  }

  @Test
  void aGroupFollowsTheRoutersPolicyAgainOnceTheRouterMovesToTheOneItChose() {
    PolicyRouting routing = learnedOrLength();
    Key cluster = new Key(null, 3);
    routing.recordAll(mixed(cluster, 60));
    // The router took in the same 60 outcomes, so it moved to length too; the cluster has no
    // policy of its own then, and follows whatever the router follows.
    assertThat(routing.inForce()).isEqualTo(CandidatePolicy.length);
    GroupStatus status = routing.groupStatus().get(0);
    assertThat(status.kind()).isEqualTo(PolicyGroups.Kind.cluster);
    assertThat(status.name()).isEqualTo("3");
    assertThat(status.own()).isNull();
    assertThat(status.inForce()).isEqualTo(CandidatePolicy.length);
  }

  @Test
  void theRouterTracksAtMostMaxTenantsForgettingTheLeastRecentlySeen() {
    PolicyRouting routing = learnedOrLength();
    int extra = 8;
    for (int t = 0; t < PolicyGroups.MAX_TENANTS + extra; t++) {
      routing.decide(PROMPT, 0.9, 0.9, false, new Key("tenant-" + t, -1));
      // Tenant 0 keeps coming back, so it is never the least recently seen.
      routing.decide(PROMPT, 0.9, 0.9, false, new Key("tenant-0", -1));
    }
    List<String> tracked =
        routing.groupStatus().stream()
            .filter(g -> g.kind() == PolicyGroups.Kind.tenant)
            .map(GroupStatus::name)
            .toList();
    assertThat(tracked).hasSize(PolicyGroups.MAX_TENANTS).contains("tenant-0");
    // Forgotten: tenants 1 to 8, the least recently seen.
    for (int t = 1; t <= extra; t++) {
      assertThat(tracked).doesNotContain("tenant-" + t);
    }
    assertThat(tracked).contains("tenant-" + (extra + 1));
  }

  @Test
  void clustersAreTheNearestOfCentresFittedOnTheExamples() {
    // Two tight groups of unit vectors around two orthogonal directions.
    SplittableRandom random = new SplittableRandom(3);
    List<float[]> embeddings = new ArrayList<>();
    for (int i = 0; i < 2 * PromptClusters.MIN_EXAMPLES_PER_CLUSTER; i++) {
      float[] e = new float[4];
      e[i % 2 == 0 ? 0 : 2] = 1;
      e[1] = (float) (random.nextDouble() * 0.1);
      embeddings.add(e);
    }
    assertThat(PromptClusters.fit(embeddings.subList(0, 99), 2, 1)).isNull();
    PromptClusters clusters = PromptClusters.fit(embeddings, 2, 1);
    assertThat(clusters.count()).isEqualTo(2);
    int first = clusters.nearest(new float[] {1, 0, 0, 0});
    int second = clusters.nearest(new float[] {0, 0, 1, 0});
    assertThat(first).isNotEqualTo(second);
    for (int i = 0; i < embeddings.size(); i++) {
      assertThat(clusters.nearest(embeddings.get(i))).isEqualTo(i % 2 == 0 ? first : second);
    }
  }

  /** A router choosing between learned (first) and length, without exploration. */
  private static PolicyRouting learnedOrLength() {
    return new PolicyRouting(
        List.of(CandidatePolicy.learned, CandidatePolicy.length), 0, new SplittableRandom(1));
  }

  private static GroupStatus group(PolicyRouting routing, String tenant) {
    return routing.groupStatus().stream()
        .filter(g -> g.kind() == PolicyGroups.Kind.tenant && g.name().equals(tenant))
        .findFirst()
        .orElseThrow();
  }
}
