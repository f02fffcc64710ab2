package io.beastmode.router.select.policy;

import io.beastmode.router.select.policy.OffPolicyEstimator.Interval;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Candidate policy estimates per group of decisions: per tenant (the caller the router knows) and
 * per prompt cluster ({@link PromptClusters}). A group follows a policy of its own only once its
 * own outcomes show that policy better than the router's policy in force, at the router's bar (99.9
 * %, {@link PolicyRouting#better}); until then, and whenever its own evidence no longer sets
 * another policy apart, it follows the router's. A tenant's own policy comes first, then its
 * cluster's, then the router's.
 *
 * <p>At most {@link #MAX_TENANTS} tenants are tracked: the one seen least recently is forgotten for
 * a new one (and starts again from the router's policy when it comes back). Clusters are a fixed
 * number. Thread-safe; the estimates run outside the lock.
 */
public final class PolicyGroups {
  /** Tenants whose estimates a router keeps, least recently seen forgotten first. */
  public static final int MAX_TENANTS = 32;

  /** The newest outcomes of one group its estimates rest on. */
  static final int GROUP_OUTCOME_WINDOW = 2000;

  /**
   * The groups one decision belongs to.
   *
   * @param tenant the caller's tenant, null when unknown
   * @param cluster the prompt's cluster, -1 when the router has none yet
   */
  public record Key(String tenant, int cluster) {
    public static final Key NONE = new Key(null, -1);
  }

  /** Kinds of group, in the order a decision looks for a policy of its own. */
  public enum Kind {
    tenant,
    cluster
  }

  /**
   * One group's figures.
   *
   * @param own the policy the group follows on its own evidence, null while it follows the router's
   * @param inForce the policy its decisions follow now (its own or the router's)
   * @param advantages per candidate, the estimated gain in mean outcome over the router's policy in
   *     force on this group's outcomes, with its 95 % interval
   */
  public record GroupStatus(
      Kind kind,
      String name,
      CandidatePolicy own,
      CandidatePolicy inForce,
      int outcomes,
      long decisions,
      Map<CandidatePolicy, Interval> advantages) {}

  private static final class State {
    final Deque<LoggedOutcome> outcomes = new ArrayDeque<>();
    CandidatePolicy own;
    long decisions;
    boolean fresh;
  }

  private final Map<String, State> tenants =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
          return size() > MAX_TENANTS;
        }
      };
  private final Map<Integer, State> clusters = new LinkedHashMap<>();

  /** The policy a decision of {@code key} follows when the router's is {@code router}. */
  synchronized CandidatePolicy follow(Key key, CandidatePolicy router) {
    for (State group : groupsOf(key)) {
      group.decisions++;
      if (group.own != null) {
        return group.own;
      }
    }
    return router;
  }

  /** Takes in outcomes of decisions, then reconsiders the policy of each group that got any. */
  void recordAll(
      List<LoggedOutcome> arrived, CandidatePolicy router, List<CandidatePolicy> candidates) {
    Map<State, List<LoggedOutcome>> logs = new LinkedHashMap<>();
    Map<State, CandidatePolicy> current = new LinkedHashMap<>();
    synchronized (this) {
      for (LoggedOutcome outcome : arrived) {
        for (State group : groupsOf(outcome.group())) {
          group.outcomes.addLast(outcome);
          if (group.outcomes.size() > GROUP_OUTCOME_WINDOW) {
            group.outcomes.removeFirst();
          }
          group.fresh = true;
        }
      }
      for (State group : states()) {
        if (group.fresh && group.outcomes.size() >= PolicyRouting.MIN_OUTCOMES_TO_SWITCH) {
          logs.put(group, new ArrayList<>(group.outcomes));
          current.put(group, group.own);
        }
        group.fresh = false;
      }
    }
    Map<State, CandidatePolicy> decided = new LinkedHashMap<>();
    logs.forEach(
        (group, log) -> {
          CandidatePolicy own = current.get(group);
          CandidatePolicy better =
              PolicyRouting.better(log, own == null ? router : own, candidates);
          decided.put(group, better == router ? null : better);
        });
    synchronized (this) {
      decided.forEach(
          (group, own) -> {
            // A group reconsidered meanwhile by a later batch keeps that batch's choice.
            if (group.own == current.get(group)) {
              group.own = own;
            }
          });
    }
  }

  /** Forgets every group's own policy that is no longer a candidate. */
  synchronized void retain(List<CandidatePolicy> candidates) {
    for (State group : states()) {
      if (group.own != null && !candidates.contains(group.own)) {
        group.own = null;
      }
    }
  }

  /** Every tracked group's figures, clusters first (in order), then tenants. */
  List<GroupStatus> status(CandidatePolicy router) {
    record Snapshot(
        Kind kind, String name, CandidatePolicy own, long decisions, List<LoggedOutcome> log) {}
    List<Snapshot> snapshots = new ArrayList<>();
    synchronized (this) {
      clusters.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(
              e ->
                  snapshots.add(
                      new Snapshot(
                          Kind.cluster,
                          String.valueOf(e.getKey()),
                          e.getValue().own,
                          e.getValue().decisions,
                          new ArrayList<>(e.getValue().outcomes))));
      tenants.forEach(
          (name, s) ->
              snapshots.add(
                  new Snapshot(
                      Kind.tenant, name, s.own, s.decisions, new ArrayList<>(s.outcomes))));
    }
    List<GroupStatus> result = new ArrayList<>();
    for (Snapshot s : snapshots) {
      Map<CandidatePolicy, Interval> advantages = new EnumMap<>(CandidatePolicy.class);
      for (CandidatePolicy policy : CandidatePolicy.values()) {
        advantages.put(
            policy,
            OffPolicyEstimator.difference(
                s.log(), OffPolicyEstimator.of(policy), OffPolicyEstimator.of(router)));
      }
      result.add(
          new GroupStatus(
              s.kind(),
              s.name(),
              s.own(),
              s.own() == null ? router : s.own(),
              s.log().size(),
              s.decisions(),
              advantages));
    }
    return result;
  }

  /** The groups of a key, in the order a decision looks for a policy of its own. */
  private List<State> groupsOf(Key key) {
    List<State> groups = new ArrayList<>(2);
    if (key.tenant() != null) {
      groups.add(tenants.computeIfAbsent(key.tenant(), t -> new State()));
    }
    if (key.cluster() >= 0) {
      groups.add(clusters.computeIfAbsent(key.cluster(), c -> new State()));
    }
    return groups;
  }

  private List<State> states() {
    List<State> all = new ArrayList<>(clusters.values());
    all.addAll(tenants.values());
    return all;
  }
}
