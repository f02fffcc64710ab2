package io.beastmode.router.select.policy;

import io.beastmode.router.select.policy.OffPolicyEstimator.Interval;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One router's choice between the cheap and the strong model under the learned policy: every
 * candidate policy decides each prompt, the router follows the policy in force except on a small
 * random share of prompts (exploration), logs what each candidate would have done with the
 * probability of what it did, and moves to another candidate once the logged outcomes show it
 * better with 99.9 % confidence.
 *
 * <p>Pure and in memory: no clock, the random source is given. Thread-safe (decisions come from
 * several event loops, outcomes from the examples stream).
 */
public final class PolicyRouting {
  /** Recent scores each share-matched policy ranks a new prompt among. */
  static final int SCORE_WINDOW = 1000;

  /** The newest outcomes the estimates are made on. */
  static final int OUTCOME_WINDOW = 5000;

  /** Outcomes needed before the router leaves the policy it follows. */
  static final int MIN_OUTCOMES_TO_SWITCH = 50;

  static final int BOOTSTRAP_RESAMPLES = 200;

  /**
   * The normal quantile an advantage's lower bound is taken at before switching: 99.9 %, because
   * the router looks again after every batch of outcomes, and at 95 % one of thousands of looks
   * would cross by chance (the MMLU replay switched to a worse policy that way).
   */
  static final double SWITCH_Z = 3.29;

  /**
   * The router's decision for one prompt.
   *
   * @param actions the candidates that would send it to the strong model (bits)
   * @param strong whether it goes to the strong model
   * @param propensity the probability of that action under the router's randomised rule
   * @param inForce the policy followed (the router's, or the decision's tenant's or cluster's own)
   * @param explored whether the action was drawn at random rather than the policy's
   * @param weakChance the predictor's chance for the cheap model, NaN when unknown
   * @param strongChance the same for the strong model
   * @param group the tenant and prompt cluster the decision belongs to
   */
  public record Decision(
      int actions,
      boolean strong,
      double propensity,
      CandidatePolicy inForce,
      boolean explored,
      double weakChance,
      double strongChance,
      PolicyGroups.Key group) {

    /** What the estimates take in once the answer's outcome is known. */
    public LoggedOutcome outcome(double reward) {
      return new LoggedOutcome(
          actions, strong, propensity, reward, weakChance, strongChance, group);
    }
  }

  /**
   * What the router can say about its policies.
   *
   * @param estimates per candidate: estimated PGR and strong share with their intervals
   * @param outcomes logged outcomes the estimates rest on
   * @param decisions decisions taken
   * @param explored decisions whose action was drawn at random
   * @param exploredOffPolicy explored decisions whose action differed from the policy's
   */
  public record Status(
      CandidatePolicy inForce,
      double explorationShare,
      Map<CandidatePolicy, Estimate> estimates,
      int outcomes,
      long decisions,
      long explored,
      long exploredOffPolicy) {}

  /**
   * One candidate's figures: estimated PGR, mean outcome and strong share, each with an interval.
   */
  public record Estimate(Interval pgr, Interval accuracy, Interval strongShare) {}

  private final RandomGenerator random;
  private final Map<CandidatePolicy, ScoreWindow> windows = new EnumMap<>(CandidatePolicy.class);
  private final boolean[] learnedStrong = new boolean[SCORE_WINDOW];
  private final Deque<LoggedOutcome> outcomes = new ArrayDeque<>();
  private final PolicyGroups groups = new PolicyGroups();
  private final int[] strongDecisions = new int[CandidatePolicy.values().length];
  private int recentDecisions;
  private int recentLearnedStrong;
  private double explorationShare;
  private List<CandidatePolicy> candidates;
  private CandidatePolicy inForce;
  private long decisions;
  private long explored;
  private long exploredOffPolicy;

  /**
   * @param candidates the policies the router may follow, the first until its own outcomes show
   *     another better
   * @param explorationShare the share of decisions whose action is drawn at random
   */
  public PolicyRouting(
      List<CandidatePolicy> candidates, double explorationShare, RandomGenerator random) {
    this.random = random;
    configure(candidates, explorationShare);
    for (CandidatePolicy policy : CandidatePolicy.values()) {
      windows.put(policy, new ScoreWindow(SCORE_WINDOW));
    }
  }

  /**
   * Applies a new configuration. The policy in force stays when it is still a candidate, else the
   * first candidate takes over.
   */
  public synchronized void configure(List<CandidatePolicy> candidates, double explorationShare) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("at least one candidate policy is needed");
    }
    if (!(explorationShare >= 0 && explorationShare <= 1)) {
      throw new IllegalArgumentException(
          "exploration share must be in [0, 1], was " + explorationShare);
    }
    this.candidates = List.copyOf(candidates);
    this.explorationShare = explorationShare;
    if (inForce == null || !candidates.contains(inForce)) {
      inForce = candidates.get(0);
    }
    groups.retain(candidates);
  }

  public synchronized CandidatePolicy inForce() {
    return inForce;
  }

  /** Decides one prompt that belongs to no group but the router (see below). */
  public Decision decide(
      PromptFeatures features, double weakChance, double strongChance, boolean learnedWantsStrong) {
    return decide(features, weakChance, strongChance, learnedWantsStrong, PolicyGroups.Key.NONE);
  }

  /**
   * Decides one prompt.
   *
   * @param features the request's shape
   * @param weakChance the predictor's chance that the cheap model answers well, NaN when unknown
   * @param strongChance the same for the strong model
   * @param learnedWantsStrong whether the learned threshold rule chose the strong model
   * @param group the caller's tenant and the prompt's cluster: the decision follows their own
   *     policy where their outcomes set one apart ({@link PolicyGroups})
   */
  public synchronized Decision decide(
      PromptFeatures features,
      double weakChance,
      double strongChance,
      boolean learnedWantsStrong,
      PolicyGroups.Key group) {
    double share = recentDecisions == 0 ? 0.5 : (double) recentLearnedStrong / recentDecisions;
    double learnedScore = -weakChance;
    double learnedRank = windows.get(CandidatePolicy.learned).rank(learnedScore);
    double lengthRank = windows.get(CandidatePolicy.length).rank(features.logLength());
    double blendScore =
        Double.isNaN(learnedRank) || Double.isNaN(weakChance)
            ? lengthRank
            : (learnedRank + lengthRank) / 2;
    int actions = learnedWantsStrong ? CandidatePolicy.learned.bit() : 0;
    actions |= matched(CandidatePolicy.length, features.logLength(), share, learnedWantsStrong);
    actions |=
        matched(CandidatePolicy.structure, features.structureScore(), share, learnedWantsStrong);
    actions |= matched(CandidatePolicy.blend, blendScore, share, learnedWantsStrong);

    if (!Double.isNaN(weakChance)) {
      windows.get(CandidatePolicy.learned).add(learnedScore);
    }
    windows.get(CandidatePolicy.length).add(features.logLength());
    windows.get(CandidatePolicy.structure).add(features.structureScore());
    if (!Double.isNaN(blendScore)) {
      windows.get(CandidatePolicy.blend).add(blendScore);
    }
    rememberLearned(learnedWantsStrong);

    CandidatePolicy followed = groups.follow(group, inForce);
    boolean policyStrong = (actions & followed.bit()) != 0;
    boolean explore = explorationShare > 0 && random.nextDouble() < explorationShare;
    boolean strong = explore ? random.nextBoolean() : policyStrong;
    double propensity =
        (1 - explorationShare) * (strong == policyStrong ? 1 : 0) + explorationShare / 2;
    decisions++;
    for (CandidatePolicy policy : CandidatePolicy.values()) {
      strongDecisions[policy.ordinal()] += (actions & policy.bit()) != 0 ? 1 : 0;
    }
    if (explore) {
      explored++;
      exploredOffPolicy += strong != policyStrong ? 1 : 0;
    }
    return new Decision(
        actions, strong, propensity, followed, explore, weakChance, strongChance, group);
  }

  /** Takes in the outcome of a logged decision (feedback or an automatic outcome). */
  public void record(LoggedOutcome outcome) {
    recordAll(List.of(outcome));
  }

  /**
   * Takes in outcomes, then reconsiders the policy in force once, and the policy of each group that
   * got outcomes. The estimates run outside the lock, so decisions never wait for them.
   */
  public void recordAll(List<LoggedOutcome> arrived) {
    if (arrived.isEmpty()) {
      return;
    }
    List<LoggedOutcome> log;
    CandidatePolicy current;
    List<CandidatePolicy> allowed;
    synchronized (this) {
      for (LoggedOutcome outcome : arrived) {
        outcomes.addLast(outcome);
        if (outcomes.size() > OUTCOME_WINDOW) {
          outcomes.removeFirst();
        }
      }
      log = outcomes.size() < MIN_OUTCOMES_TO_SWITCH ? null : new ArrayList<>(outcomes);
      current = inForce;
      allowed = candidates;
    }
    if (log != null) {
      CandidatePolicy better = better(log, current, allowed);
      synchronized (this) {
        // A configuration applied meanwhile decides again with the next outcomes.
        if (inForce == current && candidates == allowed) {
          inForce = better;
        }
        current = inForce;
      }
    }
    groups.recordAll(arrived, current, allowed);
  }

  /**
   * Each tenant's and prompt cluster's figures: the policy it follows, whether on its own evidence,
   * and each candidate's advantage over the router's policy on its outcomes.
   */
  public List<PolicyGroups.GroupStatus> groupStatus() {
    return groups.status(inForce());
  }

  /** The figures for status and metrics: the bootstrap makes this cost milliseconds. */
  public Status status() {
    List<LoggedOutcome> log;
    CandidatePolicy current;
    long taken;
    int[] strongCounts;
    synchronized (this) {
      log = new ArrayList<>(outcomes);
      current = inForce;
      taken = decisions;
      strongCounts = strongDecisions.clone();
    }
    Map<CandidatePolicy, Estimate> estimates = new EnumMap<>(CandidatePolicy.class);
    for (CandidatePolicy policy : CandidatePolicy.values()) {
      var strongUnder = OffPolicyEstimator.of(policy);
      estimates.put(
          policy,
          new Estimate(
              OffPolicyEstimator.pgr(log, strongUnder, BOOTSTRAP_RESAMPLES, 1),
              OffPolicyEstimator.value(log, strongUnder),
              OffPolicyEstimator.share(
                  strongCounts[policy.ordinal()], (int) Math.min(Integer.MAX_VALUE, taken))));
    }
    synchronized (this) {
      return new Status(
          current, explorationShare, estimates, log.size(), taken, explored, exploredOffPolicy);
    }
  }

  /**
   * The candidate whose paired advantage over the policy in force is largest among those whose
   * advantage is above zero at {@link #SWITCH_Z}; the policy in force when there is none.
   */
  static CandidatePolicy better(
      List<LoggedOutcome> log, CandidatePolicy inForce, List<CandidatePolicy> candidates) {
    CandidatePolicy best = inForce;
    double bestGain = 0;
    for (CandidatePolicy policy : candidates) {
      if (policy == inForce) {
        continue;
      }
      Interval gain =
          OffPolicyEstimator.difference(
              log, OffPolicyEstimator.of(policy), OffPolicyEstimator.of(inForce));
      double low =
          gain.estimate() - SWITCH_Z / OffPolicyEstimator.Z95 * (gain.estimate() - gain.low());
      if (low > 0 && gain.estimate() > bestGain) {
        best = policy;
        bestGain = gain.estimate();
      }
    }
    return best;
  }

  /**
   * The strong bit of a policy sending the top {@code share} of recent scores to the strong model.
   */
  private int matched(CandidatePolicy policy, double score, double share, boolean fallback) {
    double rank = Double.isNaN(score) ? Double.NaN : windows.get(policy).rank(score);
    boolean strong = Double.isNaN(rank) ? fallback : rank >= 1 - share;
    return strong ? policy.bit() : 0;
  }

  private void rememberLearned(boolean strong) {
    int slot = (int) (decisions % SCORE_WINDOW);
    if (recentDecisions == SCORE_WINDOW) {
      recentLearnedStrong -= learnedStrong[slot] ? 1 : 0;
    } else {
      recentDecisions++;
    }
    learnedStrong[slot] = strong;
    recentLearnedStrong += strong ? 1 : 0;
  }
}
