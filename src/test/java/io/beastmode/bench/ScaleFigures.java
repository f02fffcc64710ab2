package io.beastmode.bench;

import static io.beastmode.bench.ScaleBench.CHART_MEMORY_LIMIT_MIB;
import static io.beastmode.bench.ScaleBench.KWOK_REPLICAS;
import static io.beastmode.bench.ScaleBench.REQUESTS_PER_SECOND;
import static io.beastmode.bench.ScaleBench.RESULTS;
import static io.beastmode.bench.ScaleBench.TIMED;
import static io.beastmode.bench.Timing.round;

import io.beastmode.testing.ProcessCosts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures of {@code make bench-scale}: the statistics its measurements are summed up by, and
 * bench/results/scale.json and .md with the targets met or missed.
 */
final class ScaleFigures {
  private ScaleFigures() {}

  static void write(Map<String, Object> baseline, Map<String, Object> large) throws Exception {
    var result = new LinkedHashMap<String, Object>();
    result.put("regions", large.get("regions"));
    result.put("router_replicas", large.get("router_replicas"));
    result.put("cold_start_seconds", large.get("cold_start_seconds"));
    double perRegion =
        round(
            (idleRss(large) - idleRss(baseline))
                / ((Integer) large.get("regions") - (Integer) baseline.get("regions")));
    result.put("operator_rss_mib_per_added_region", perRegion);
    result.put("operator_idle_cpu_cores", idleValue(large, "operator_cpu_cores"));
    for (String key : TIMED) {
      result.put(key, large.get(key));
    }
    result.put(
        "operator_peak_rss_mib_through_restart",
        large.get("operator_peak_rss_mib_through_restart"));
    result.put("chart_memory_limit_mib", CHART_MEMORY_LIMIT_MIB);
    var base = new LinkedHashMap<String, Object>();
    base.put("regions", baseline.get("regions"));
    base.put("router_replicas", baseline.get("router_replicas"));
    base.put("cold_start_seconds", baseline.get("cold_start_seconds"));
    base.put("operator_rss_mib", idleRss(baseline));
    base.put("operator_idle_cpu_cores", idleValue(baseline, "operator_cpu_cores"));
    for (String key : TIMED) {
      base.put(key, baseline.get(key));
    }
    result.put("baseline", base);
    var targets = targets(result, large);
    result.put("targets", targets);
    result.put(
        "machine",
        Map.of(
            "cores",
            Runtime.getRuntime().availableProcessors(),
            "load_average_at_end",
            ProcessCosts.loadAverage()));
    result.put("details", Map.of("baseline", baseline, "large", large));
    BenchResults.write(
        RESULTS.resolve("scale"), result, markdown(result, baseline, large, targets));
  }

  static List<Map<String, Object>> targets(Map<String, Object> result, Map<String, Object> large) {
    var targets = new ArrayList<Map<String, Object>>();
    target(
        targets, "every region Active from cold", "≤ 600 s", result.get("cold_start_seconds"), 600);
    target(
        targets,
        "operator memory per added region",
        "≤ 20 MiB",
        result.get("operator_rss_mib_per_added_region"),
        20);
    target(
        targets, "operator CPU at idle", "≤ 0.2 core", result.get("operator_idle_cpu_cores"), 0.2);
    target(
        targets,
        "edit to every region's ConfigMap, p99",
        "≤ 2 s",
        result.get("edit_configmap_p99_seconds"),
        2);
    target(
        targets,
        "edit to every running router, p99",
        "≤ 5 s",
        result.get("edit_router_p99_seconds"),
        5);
    target(
        targets, "failover shift, median", "≤ 5 s", result.get("failover_shift_median_seconds"), 5);
    target(
        targets,
        "failover shift while another region hangs, median",
        "≤ 5 s",
        result.get("failover_shift_with_hung_region_median_seconds"),
        5);
    target(
        targets,
        "operator peak RSS through a restart",
        "≤ " + CHART_MEMORY_LIMIT_MIB + " MiB (chart limit)",
        large.get("operator_peak_rss_mib_through_restart"),
        CHART_MEMORY_LIMIT_MIB);
    return targets;
  }

  static void target(
      List<Map<String, Object>> targets, String what, String goal, Object measured, double limit) {
    var target = new LinkedHashMap<String, Object>();
    target.put("what", what);
    target.put("target", goal);
    target.put("measured", measured);
    target.put("met", measured instanceof Number n && n.doubleValue() <= limit);
    targets.add(target);
  }

  static String markdown(
      Map<String, Object> result,
      Map<String, Object> baseline,
      Map<String, Object> large,
      List<Map<String, Object>> targets) {
    var md = new StringBuilder("# make bench-scale\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Regions each a real kube-apiserver with its own etcd and Redis, started one at a time;"
                + " the packaged operator with the chart's JVM options and a %d MiB limit"
                + " (-XX:MaxRAM); one LLMRouter in every region with a real router process per"
                + " region, two more with %d replicas per region as pods on KWOK's fake nodes;"
                + " %d requests/s from clients following the hub's weights. Measured at %s regions"
                + " (baseline) and at %s regions in the same run. Machine: %d cores, load average"
                + " at the end %s (shared with other work).%n%n",
            CHART_MEMORY_LIMIT_MIB,
            KWOK_REPLICAS,
            REQUESTS_PER_SECOND,
            baseline.get("regions"),
            large.get("regions"),
            Runtime.getRuntime().availableProcessors(),
            ProcessCosts.loadAverage()));
    var rows = new ArrayList<List<?>>();
    var keys = new ArrayList<>(List.of("router_replicas", "cold_start_seconds"));
    keys.addAll(TIMED);
    for (String key : keys) {
      rows.add(List.of(key, String.valueOf(baseline.get(key)), String.valueOf(large.get(key))));
    }
    var idleRows = new LinkedHashMap<String, String>();
    idleRows.put("operator RSS at idle (MiB)", "operator_rss_mib");
    idleRows.put("operator heap used at idle (MiB)", "operator_heap_mib");
    idleRows.put("operator threads at idle", "operator_threads");
    idleRows.put("operator CPU at idle (cores)", "operator_cpu_cores");
    idleRows.forEach(
        (label, key) ->
            rows.add(
                List.of(
                    label,
                    String.valueOf(idleValue(baseline, key)),
                    String.valueOf(idleValue(large, key)))));
    rows.add(
        List.of(
            "operator peak RSS from a cold start (MiB)",
            String.valueOf(baseline.get("operator_peak_rss_mib_at_cold_start")),
            String.valueOf(large.get("operator_peak_rss_mib_at_cold_start"))));
    md.append(
        BenchResults.table(
            List.of(
                "figure", baseline.get("regions") + " regions", large.get("regions") + " regions"),
            rows));
    md.append(
        String.format(
            Locale.ROOT,
            "%nOperator memory per added region: %s MiB (idle RSS after a cold start at each size);"
                + " while regions were added to the running operator one at a time, RSS grew %s MiB"
                + " and heap %s MiB per region (least squares).%n%n",
            result.get("operator_rss_mib_per_added_region"),
            large.get("growth_rss_mib_per_added_region"),
            large.get("growth_heap_mib_per_added_region")));
    md.append(hubLevelTable(baseline, large));
    md.append("## Targets\n\n");
    var targetRows = new ArrayList<List<?>>();
    targets.forEach(
        t ->
            targetRows.add(
                List.of(
                    t.get("what"),
                    t.get("target"),
                    String.valueOf(t.get("measured")),
                    (Boolean) t.get("met") ? "met" : "missed")));
    md.append(BenchResults.table(List.of("target", "goal", "measured", ""), targetRows));
    md.append("\n## API servers (watches open; requests/s), without and with the operator\n\n");
    for (var size : List.of(baseline, large)) {
      md.append(apiServerTable(size));
    }
    md.append("\n## What each piece costs at ").append(large.get("regions")).append(" regions\n\n");
    md.append(pieceTable(large));
    md.append("\nFull figures: bench/results/scale.json. Command: `make bench-scale`.\n");
    return md.toString();
  }

  /** What the hub-level figures (backup, restore, promotion) were made of, at both sizes. */
  @SuppressWarnings("unchecked")
  static String hubLevelTable(Map<String, Object> baseline, Map<String, Object> large) {
    var rows = new LinkedHashMap<String, Function<Map<String, Object>, Object>>();
    var plain = new LinkedHashMap<String, String>();
    plain.put("objects in the hub's backup", "backup_objects");
    plain.put("backup size, sealed (bytes)", "backup_bytes");
    plain.put("backup applied by the standby (s from the request)", "standby_applied_seconds");
    plain.put("promotion steps (s from detection)", "promotion_steps");
    plain.put("standby RSS before its promotion (MiB)", "standby_rss_mib");
    plain.forEach((label, key) -> rows.put(label, f -> f.get(key)));
    rows.put(
        "restore: objects created / taken over",
        f -> f.get("restore_created") + " / " + f.get("restore_adopted"));
    rows.put(
        "requests failed / sent during the promotion",
        f -> f.get("promotion_requests_failed") + " / " + f.get("promotion_requests_sent"));
    var table = new ArrayList<List<?>>();
    rows.forEach(
        (label, value) -> {
          var row = new ArrayList<Object>(List.of(label));
          for (var size : List.of(baseline, large)) {
            var figures = (Map<String, Object>) size.get("hub_level");
            row.add(figures == null ? "–" : String.valueOf(value.apply(figures)));
          }
          table.add(row);
        });
    return "\nHub level (a standby in the second region's cluster, backups to a real S3 server):\n\n"
        + BenchResults.table(
            List.of(
                "figure", baseline.get("regions") + " regions", large.get("regions") + " regions"),
            table)
        + "\n";
  }

  @SuppressWarnings("unchecked")
  static String apiServerTable(Map<String, Object> size) {
    var without = (Map<String, Map<String, Object>>) size.get("api_servers_without_operator");
    var with = (Map<String, Map<String, Object>>) size.get("api_servers_with_operator");
    var rows = new ArrayList<List<?>>();
    with.forEach(
        (region, figures) -> {
          var before = without == null ? null : without.get(region);
          rows.add(
              List.of(
                  region,
                  before == null ? "–" : String.valueOf(before.get("watches")),
                  String.valueOf(figures.get("watches")),
                  before == null ? "–" : String.valueOf(before.get("requests_per_second")),
                  String.valueOf(figures.get("requests_per_second"))));
        });
    return "At "
        + size.get("regions")
        + " regions:\n\n"
        + BenchResults.table(
            List.of(
                "API server",
                "watches without",
                "watches with",
                "requests/s without",
                "requests/s with"),
            rows)
        + "\n";
  }

  @SuppressWarnings("unchecked")
  static String pieceTable(Map<String, Object> size) {
    var pieces = (Map<String, Object>) size.get("per_piece");
    var rows = new ArrayList<List<?>>();
    pieces.forEach(
        (name, value) -> {
          var piece = (Map<String, Object>) value;
          if (name.equals("operator")) {
            rows.add(List.of("operator", String.valueOf(piece.get("rss_mib")), "", "", "", ""));
            return;
          }
          rows.add(
              List.of(
                  name,
                  "",
                  rss(piece.get("kube_apiserver")),
                  rss(piece.get("etcd")),
                  rss(piece.get("redis")) + " / " + rss(piece.get("kwok")),
                  ((List<Object>) piece.get("routers"))
                      .stream().map(ScaleFigures::rss).toList().toString()));
        });
    return BenchResults.table(
        List.of(
            "region",
            "operator MiB",
            "kube-apiserver MiB",
            "etcd MiB",
            "redis / kwok MiB",
            "routers MiB"),
        rows);
  }

  @SuppressWarnings("unchecked")
  static String rss(Object cost) {
    return cost == null ? "–" : String.valueOf(((Map<String, Object>) cost).get("rss_mib"));
  }

  @SuppressWarnings("unchecked")
  static Object idleValue(Map<String, Object> size, String key) {
    return ((Map<String, Object>) size.get("idle")).get(key);
  }

  static double idleRss(Map<String, Object> size) {
    return ((Number) idleValue(size, "operator_rss_mib")).doubleValue();
  }

  static Map<String, Object> summary(Map<String, Object> size) {
    var summary = new LinkedHashMap<String, Object>();
    var keys = new ArrayList<>(List.of("regions", "router_replicas", "cold_start_seconds", "idle"));
    keys.addAll(TIMED);
    for (String key : keys) {
      summary.put(key, size.get(key));
    }
    return summary;
  }

  static Double medianOf(List<Map<String, Object>> trials, String key) {
    return round(
        Timing.median(trials.stream().map(t -> ((Number) t.get(key)).doubleValue()).toList()));
  }

  static double percentile(List<Double> values, int percentile) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    var sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  /** Least-squares slope of {@code key} over the number of regions. */
  static double slope(List<Map<String, Object>> samples, String key) {
    double n = samples.size();
    double sx = 0;
    double sy = 0;
    double sxy = 0;
    double sxx = 0;
    for (var sample : samples) {
      double x = ((Number) sample.get("regions")).doubleValue();
      double y = ((Number) sample.get(key)).doubleValue();
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
    }
    return n < 2 ? Double.NaN : round((n * sxy - sx * sy) / (n * sxx - sx * sx));
  }
}
