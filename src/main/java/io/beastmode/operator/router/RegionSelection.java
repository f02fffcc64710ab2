package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.PolicyReplicas;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.RouterSelectionStatus;
import io.beastmode.api.v1alpha1.SelectionEstimate;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.SelectionSummary;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What the LLMRouter's status says of the learned selection, from the routers' heartbeats. Pure.
 *
 * <p>Every router of a region reads the same outcomes (the region's examples stream), so their
 * estimates differ mostly by how long they have run: a region shows the policy in force and the
 * estimates of its router with the most outcomes, and each distinct policy in force with how many
 * routers follow it, so a disagreement shows. Decisions and exploration add up over the routers:
 * each spends its own.
 */
public final class RegionSelection {
  private RegionSelection() {}

  /** A region's selection from its routers' fresh heartbeats; null when none reports one. */
  public static RouterSelectionStatus of(List<Heartbeat> beats) {
    List<Heartbeat> reporting = beats.stream().filter(b -> b.selection() != null).toList();
    if (reporting.isEmpty()) {
      return null;
    }
    Heartbeat most =
        reporting.stream()
            .max(
                Comparator.comparingLong((Heartbeat b) -> b.selection().outcomes())
                    .thenComparingLong(b -> b.selection().decisions())
                    .thenComparing(Heartbeat::pod, Comparator.reverseOrder()))
            .orElseThrow();
    SelectionSummary summary = most.selection();
    var status = new RouterSelectionStatus();
    status.policy = summary.inForce();
    status.since =
        Instant.ofEpochMilli(summary.inForceSince()).truncatedTo(ChronoUnit.SECONDS).toString();
    status.switches = summary.switches();
    status.pgr = estimate(summary.pgr());
    status.strongShare = estimate(summary.strongShare());
    status.outcomes = summary.outcomes();
    status.explorationShare = summary.explorationShare();
    status.decisions = sum(reporting, SelectionSummary::decisions);
    status.explored = sum(reporting, SelectionSummary::explored);
    status.exploredOffPolicy = sum(reporting, SelectionSummary::exploredOffPolicy);
    Map<String, Long> followers =
        reporting.stream()
            .collect(
                Collectors.groupingBy(
                    b -> b.selection().inForce(), TreeMap::new, Collectors.counting()));
    followers.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> status.policies.add(new PolicyReplicas(e.getKey(), e.getValue().intValue())));
    return status;
  }

  /**
   * The policy in force over the regions, for a printer column: one name when every region that
   * reports follows the same, else each with its regions, for example {@code blend (eu), length
   * (hub, us)}; null when no region reports.
   */
  public static String inForce(List<RouterRegionStatus> regions) {
    Map<String, List<String>> byPolicy =
        regions.stream()
            .filter(r -> r.selection != null && r.selection.policy != null)
            .collect(
                Collectors.groupingBy(
                    r -> r.selection.policy,
                    TreeMap::new,
                    Collectors.mapping(r -> r.name, Collectors.toList())));
    if (byPolicy.isEmpty()) {
      return null;
    }
    if (byPolicy.size() == 1) {
      return byPolicy.keySet().iterator().next();
    }
    return byPolicy.entrySet().stream()
        .map(
            e ->
                e.getKey()
                    + " ("
                    + String.join(", ", e.getValue().stream().sorted().toList())
                    + ")")
        .collect(Collectors.joining(", "));
  }

  private static SelectionEstimate estimate(SelectionSummary.Bounds bounds) {
    return bounds == null
        ? null
        : new SelectionEstimate(bounds.estimate(), bounds.low(), bounds.high());
  }

  private static long sum(
      List<Heartbeat> beats, java.util.function.ToLongFunction<SelectionSummary> count) {
    return beats.stream().mapToLong(b -> count.applyAsLong(b.selection())).sum();
  }
}
