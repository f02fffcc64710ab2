package io.beastmode.bench;

import static io.beastmode.bench.Timing.median;
import static io.beastmode.bench.Timing.round;
import static io.beastmode.bench.Timing.seconds;
import static io.beastmode.bench.Timing.waitFor;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static io.beastmode.testing.Fleet.sleep;

import io.beastmode.api.v1alpha1.HealthCheck;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.Fleet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast traffic leaves a failed region. Three regions on real API servers (hub and two members),
 * routers simulated by heartbeats in a real Redis, the operator's controllers in this process. Each
 * trial cuts one member off (its network path closed, its routers' heartbeats stopped), measures
 * detection (the hub marks the region not serving) and shift (every reachable region's routing
 * ConfigMap gives it weight 0), then restores it and waits for the stepped failback.
 *
 * <p>Baseline, measured in the same run on the same clusters: an operator editing a Region's weight
 * by hand, timed until every region's ConfigMap carries the new weights. The shift's ratio to it is
 * the price of detection.
 */
public final class FailoverBench {
  static final Path RESULTS = Path.of("bench", "results");
  static final String NS = "bench";
  static final String ROUTER = "global";
  static final int TRIALS = Integer.getInteger("beastmode.bench.trials", 6);

  public static void main(String[] args) {
    try {
      run();
    } catch (Exception e) {
      // Exit at once: exec:java would otherwise wait for the client threads a failed run leaves
      // behind.
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  static void run() throws Exception {
    var check = new HealthCheck();
    check.intervalSeconds = 1;
    check.timeoutSeconds = 1;
    try (var fleet =
        new Fleet(NS, List.of("east", "west"), region -> region.getSpec().healthCheck = check)) {
      fleet.hub().resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
      var llmRouter = router(NS, ROUTER, List.of("hosted"), "hub", "east", "west");
      llmRouter.getSpec().failover.failbackAfterSeconds = 2;
      llmRouter.getSpec().failover.shiftSteps = List.of(50, 100);
      llmRouter.getSpec().failover.maxFlapsPerHour = 100;
      fleet.createRouter(llmRouter);
      System.out.println("waiting for the router to run in all three regions ...");
      waitFor(() -> allActive(fleet), 120_000, "router active in every region");

      var baseline = new ArrayList<Double>();
      var trials = new ArrayList<Map<String, Object>>();
      for (int trial = 0; trial < TRIALS; trial++) {
        baseline.add(manualWeightChange(fleet, trial % 2 == 0 ? 60 : 100));
        String victim = trial % 2 == 0 ? "east" : "west";
        trials.add(trial(fleet, victim));
        System.out.printf(
            Locale.ROOT,
            "trial %d: %s detect %.2f s, shift %.2f s, converged %.2f s (manual weight edit %.2f s)%n",
            trial + 1,
            victim,
            trials.get(trial).get("detect_seconds"),
            trials.get(trial).get("shift_seconds"),
            trials.get(trial).get("converge_seconds"),
            baseline.get(trial));
      }
      write(check, trials, baseline);
    }
  }

  /**
   * Cuts a region off and times detection and shift; then restores it and waits for full failback.
   */
  static Map<String, Object> trial(Fleet fleet, String victim) {
    var others = fleet.regionNames().stream().filter(r -> !r.equals(victim)).toList();
    long cutAt = System.nanoTime();
    fleet.cut(victim);
    Double detect = null;
    Double shift = null;
    while (detect == null || shift == null) {
      if (System.nanoTime() - cutAt > 60_000_000_000L) {
        throw new IllegalStateException("no failover of " + victim + " within 60 s");
      }
      var region = fleet.region(victim).getStatus();
      if (detect == null && Boolean.FALSE.equals(region.serving)) {
        detect = seconds(cutAt);
      }
      if (shift == null
          && others.stream().allMatch(o -> fleet.peerWeights(o).getOrDefault(victim, -1) == 0)) {
        shift = seconds(cutAt);
      }
      sleep(20);
    }
    var result = new LinkedHashMap<String, Object>();
    result.put("region", victim);
    result.put("detect_seconds", round(detect));
    result.put("shift_seconds", round(shift));
    // Status is written after the regions; wait for it, and for the routers to report the new
    // weights.
    waitFor(
        () -> fleet.entry(victim).trafficStage != TrafficStage.Active,
        10_000,
        victim + " failed over in status");
    waitFor(
        () ->
            fleet.status().lastFailover != null && fleet.status().lastFailover.convergedAt != null,
        15_000,
        "failover converged");
    var record = fleet.status().lastFailover;
    // Routers in every reachable region run the new weights, counted from detection as the
    // operator's TrafficConverged Event counts it.
    result.put(
        "converge_seconds",
        round(
            Duration.between(Instant.parse(record.detectedAt), Instant.parse(record.convergedAt))
                    .toMillis()
                / 1000.0));
    result.put(
        "status_record",
        record == null
            ? null
            : Map.of(
                "detectedAt",
                String.valueOf(record.detectedAt),
                "decidedAt",
                String.valueOf(record.decidedAt),
                "appliedAt",
                String.valueOf(record.appliedAt),
                "convergedAt",
                String.valueOf(record.convergedAt)));
    long restoredAt = System.nanoTime();
    fleet.restore(victim);
    waitFor(() -> allActive(fleet), 90_000, victim + " failed back");
    result.put("failback_seconds", round(seconds(restoredAt)));
    return result;
  }

  /** Edits the weight of the hub Region and times until every region's routers were given it. */
  static double manualWeightChange(Fleet fleet, int weight) {
    var hubRegion = fleet.region("hub");
    long start = System.nanoTime();
    Fixtures.edit(
        fleet.hub().resources(Region.class).withName("hub"),
        r -> r.getSpec().traffic.weight = weight);
    int expected = weight == 100 ? 34 : 24; // hub's share of 100+100+weight, as whole percents
    waitFor(
        () ->
            List.of("east", "west").stream()
                .allMatch(
                    o -> Math.abs(fleet.peerWeights(o).getOrDefault("hub", -1) - expected) <= 1),
        30_000,
        "manual weight change reached the regions");
    if (hubRegion.getSpec().traffic.weight == weight) {
      throw new IllegalStateException("weight did not change");
    }
    return round(seconds(start));
  }

  static boolean allActive(Fleet fleet) {
    var regions = fleet.status().regions;
    return regions.size() == 3
        && regions.stream()
            .allMatch(
                r ->
                    r.trafficStage == TrafficStage.Active
                        && r.trafficWeight != null
                        && r.trafficWeight > 0);
  }

  static void write(HealthCheck check, List<Map<String, Object>> trials, List<Double> baseline)
      throws Exception {
    double medianDetect =
        median(trials.stream().map(t -> (Double) t.get("detect_seconds")).toList());
    double medianShift = median(trials.stream().map(t -> (Double) t.get("shift_seconds")).toList());
    double medianConverge =
        median(trials.stream().map(t -> (Double) t.get("converge_seconds")).toList());
    double medianManual = median(baseline);
    var result = new LinkedHashMap<String, Object>();
    result.put("probe_interval_seconds", check.intervalSeconds);
    result.put("probe_timeout_seconds", check.timeoutSeconds);
    result.put("failure_threshold", check.failureThreshold);
    result.put("regions", 3);
    result.put("trials", trials);
    result.put("median_detect_seconds", medianDetect);
    result.put("median_shift_seconds", medianShift);
    result.put("median_converge_seconds", medianConverge);
    result.put(
        "baseline",
        Map.of(
            "what",
            "hand edit of a Region weight until every region's ConfigMap has it",
            "median_seconds",
            medianManual,
            "samples",
            baseline));
    result.put("ratios", Map.of("shift_vs_manual_weight_edit", round(medianShift / medianManual)));
    result.put("target", Map.of("median_shift_seconds_at_most", 5, "met", medianShift <= 5));
    var md = new StringBuilder();
    md.append("# Failover benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Three regions on real API servers; probe every %d s (timeout %d s, %d failures to fail over); %d trials, one member cut off each.%n%n",
            check.intervalSeconds,
            check.timeoutSeconds,
            check.failureThreshold,
            trials.size()));
    md.append(
        "| trial | region | detect s | shift s | converged s | failback s |\n"
            + "|---|---|---|---|---|---|\n");
    for (int i = 0; i < trials.size(); i++) {
      var t = trials.get(i);
      md.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.2f | %.2f | %.2f | %.2f |%n",
              i + 1,
              t.get("region"),
              t.get("detect_seconds"),
              t.get("shift_seconds"),
              t.get("converge_seconds"),
              t.get("failback_seconds")));
    }
    md.append(
        String.format(
            Locale.ROOT,
            "%nMedian detect **%.2f s**, median full shift **%.2f s** (target ≤ 5 s: %s).%n",
            medianDetect,
            medianShift,
            medianShift <= 5 ? "met" : "missed"));
    md.append(
        String.format(
            Locale.ROOT,
            "Routers in every reachable region ran the new weights (the status's `convergedAt`) %.2f s after detection (median).%n",
            medianConverge));
    md.append(
        String.format(
            Locale.ROOT,
            "Baseline in the same run: a hand edit of a Region weight reaches every region in %.2f s (median); the shift takes %.1f× that.%n",
            medianManual,
            medianShift / medianManual));
    BenchResults.write(RESULTS.resolve("failover"), result, md);
    System.out.print(md);
  }
}
