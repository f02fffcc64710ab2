package io.beastmode.bench.router;

import io.beastmode.bench.BenchResults;
import io.beastmode.bench.router.RouterBench.Measured;
import io.beastmode.bench.router.RouterBench.RatePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Medians over rounds, ratios and targets, written as JSON, Markdown and a PNG plot (gnuplot). */
final class RouterBenchReport {
  static final Path RESULTS = Path.of("bench", "results");

  /**
   * The results' file names: {@code router} for the full run; another ({@code bench.name}) for a
   * run of some systems ({@code bench.systems}), so it does not overwrite the full run's.
   */
  static final String NAME = System.getProperty("bench.name", "router");

  static final String DIRECT = "direct";
  static final String PROXY = "minimal Vert.x proxy";
  static final String MISS = "router, cache miss";
  static final String HIT = "router, cache hit";
  static final String OFF = "router, cache off";
  static final String KEYED_MISS = "keyed router, cache miss";
  static final String KEYED_HIT = "keyed router, cache hit";
  static final String PORTKEY = "Portkey gateway";
  static final String LEARNED = "router, learned selection, cache off";
  static final String MESSAGES_TRANSLATED = "router, Messages to OpenAI-compatible, cache off";
  static final String MESSAGES_PASSED = "router, Messages to Anthropic (pass-through), cache off";
  static final String SEMANTIC_MISS = "router, semantic cache miss (50,000 entries)";
  static final String SEMANTIC_HIT = "router, semantic cache hit (50,000 entries)";

  /**
   * A goal from the issue: {@code ratio} against {@code limit}, met or not (not met when a system
   * it needs was left out of the run: the value is NaN).
   */
  record Target(String ratio, String comparison, double limit, double value, boolean met) {
    static Target atLeast(String ratio, double limit, double value) {
      return new Target(ratio, ">=", limit, value, value >= limit);
    }

    static Target atMost(String ratio, double limit, double value) {
      return new Target(ratio, "<=", limit, value, value <= limit);
    }
  }

  private RouterBenchReport() {}

  static void write(
      Map<String, List<Measured>> rounds,
      Map<String, Double> peakMemory,
      Map<String, Double> quotaEstimate,
      Duration step,
      int roundCount)
      throws IOException, InterruptedException {
    double directP50 = median(rounds.getOrDefault(DIRECT, List.of()), Measured::p50Ms);
    double directP99 = median(rounds.getOrDefault(DIRECT, List.of()), Measured::p99Ms);
    Map<String, Map<String, Object>> systems = new LinkedHashMap<>();
    rounds.forEach(
        (name, measured) ->
            systems.put(name, summary(measured, directP50, directP99, peakMemory.get(name))));

    Map<String, Double> ratios = new LinkedHashMap<>();
    ratios.put(
        "miss_throughput_vs_minimal_proxy",
        figure(systems, MISS, "throughput_c50") / figure(systems, PROXY, "throughput_c50"));
    ratios.put(
        "miss_throughput_vs_portkey",
        figure(systems, MISS, "throughput_c50") / figure(systems, PORTKEY, "throughput_c50"));
    ratios.put(
        "added_p50_vs_portkey",
        figure(systems, MISS, "added_p50_ms") / figure(systems, PORTKEY, "added_p50_ms"));
    ratios.put("hit_p50_vs_direct", figure(systems, HIT, "p50_ms") / directP50);
    ratios.put(
        "minimal_proxy_throughput_vs_direct",
        figure(systems, PROXY, "throughput_c50") / figure(systems, DIRECT, "throughput_c50"));
    ratios.put(
        "hit_throughput_vs_direct",
        figure(systems, HIT, "throughput_c50") / figure(systems, DIRECT, "throughput_c50"));
    ratios.put(
        "miss_added_p50_vs_minimal_proxy",
        figure(systems, MISS, "added_p50_ms") / figure(systems, PROXY, "added_p50_ms"));
    ratios.put(
        "cache_off_throughput_vs_minimal_proxy",
        figure(systems, OFF, "throughput_c50") / figure(systems, PROXY, "throughput_c50"));
    ratios.put(
        "cache_off_throughput_vs_portkey",
        figure(systems, OFF, "throughput_c50") / figure(systems, PORTKEY, "throughput_c50"));
    ratios.put(
        "hit_p50_vs_minimal_proxy",
        figure(systems, HIT, "p50_ms") / figure(systems, PROXY, "p50_ms"));

    ratios.put(
        "keyed_miss_throughput_vs_open",
        figure(systems, KEYED_MISS, "throughput_c50") / figure(systems, MISS, "throughput_c50"));
    ratios.put(
        "keyed_hit_throughput_vs_open",
        figure(systems, KEYED_HIT, "throughput_c50") / figure(systems, HIT, "throughput_c50"));
    // Added milliseconds, not a ratio: the target is an absolute 0.05 ms.
    ratios.put(
        "keyed_miss_added_p50_ms",
        figure(systems, KEYED_MISS, "p50_ms") - figure(systems, MISS, "p50_ms"));
    // The learned policy's price per request at concurrency 1: the same upstream, cache off.
    ratios.put(
        "learned_added_p50_ms",
        figure(systems, LEARNED, "p50_ms") - figure(systems, OFF, "p50_ms"));
    ratios.put(
        "keyed_hit_added_p50_ms",
        figure(systems, KEYED_HIT, "p50_ms") - figure(systems, HIT, "p50_ms"));
    // A Messages request beside the chat request with the cache off: what reading it in another
    // dialect (and writing it for the upstream's) costs.
    ratios.put(
        "messages_translated_added_p50_ms",
        figure(systems, MESSAGES_TRANSLATED, "p50_ms") - figure(systems, OFF, "p50_ms"));
    ratios.put(
        "messages_translated_throughput_vs_chat",
        figure(systems, MESSAGES_TRANSLATED, "throughput_c50")
            / figure(systems, OFF, "throughput_c50"));
    ratios.put(
        "messages_passed_added_p50_ms",
        figure(systems, MESSAGES_PASSED, "p50_ms") - figure(systems, OFF, "p50_ms"));
    ratios.put(
        "messages_passed_throughput_vs_chat",
        figure(systems, MESSAGES_PASSED, "throughput_c50")
            / figure(systems, OFF, "throughput_c50"));

    // The semantic cache beside the exact one, at concurrency 1: what a lookup adds to a miss
    // (encoding the prompt, searching the partition, storing the answer's entry after), and a
    // semantic hit's time against an exact hit's.
    ratios.put(
        "semantic_miss_added_p50_ms",
        figure(systems, SEMANTIC_MISS, "p50_ms") - figure(systems, MISS, "p50_ms"));
    ratios.put(
        "semantic_miss_added_p99_ms",
        figure(systems, SEMANTIC_MISS, "p99_ms") - figure(systems, MISS, "p99_ms"));
    ratios.put(
        "semantic_hit_p50_vs_exact_hit",
        figure(systems, SEMANTIC_HIT, "p50_ms") / figure(systems, HIT, "p50_ms"));

    // Over the router's rows this run measured.
    double routerInFlightErrors =
        List.of(MISS, HIT, OFF, KEYED_MISS, KEYED_HIT, MESSAGES_TRANSLATED, MESSAGES_PASSED)
            .stream()
            .filter(systems::containsKey)
            .mapToDouble(system -> figure(systems, system, "in_flight_errors"))
            .sum();
    List<Target> targets =
        List.of(
            Target.atLeast(
                "miss_throughput_vs_minimal_proxy",
                0.6,
                ratios.get("miss_throughput_vs_minimal_proxy")),
            Target.atLeast(
                "miss_throughput_vs_portkey", 10, ratios.get("miss_throughput_vs_portkey")),
            Target.atMost("added_p50_vs_portkey", 0.2, ratios.get("added_p50_vs_portkey")),
            Target.atMost("hit_p50_vs_direct", 2, ratios.get("hit_p50_vs_direct")),
            Target.atMost("router_errors_with_300_in_flight", 0, routerInFlightErrors),
            Target.atLeast(
                "keyed_miss_throughput_vs_open", 0.9, ratios.get("keyed_miss_throughput_vs_open")),
            Target.atMost("keyed_miss_added_p50_ms", 0.05, ratios.get("keyed_miss_added_p50_ms")),
            Target.atMost(
                "messages_translated_added_p50_ms",
                0.05,
                ratios.get("messages_translated_added_p50_ms")),
            Target.atLeast(
                "messages_translated_throughput_vs_chat",
                0.9,
                ratios.get("messages_translated_throughput_vs_chat")),
            Target.atMost(
                "messages_passed_added_p50_ms", 0.05, ratios.get("messages_passed_added_p50_ms")),
            Target.atLeast(
                "messages_passed_throughput_vs_chat",
                0.9,
                ratios.get("messages_passed_throughput_vs_chat")),
            Target.atMost(
                "semantic_miss_added_p99_ms", 5, ratios.get("semantic_miss_added_p99_ms")),
            Target.atMost(
                "semantic_hit_p50_vs_exact_hit", 2, ratios.get("semantic_hit_p50_vs_exact_hit")));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("setup", setup(step, roundCount));
    result.put("systems", systems);
    result.put("ratios", ratios);
    result.put("targets", targets);
    result.put("quota_estimate", quotaEstimate);
    result.put("rounds", rounds);
    String markdown = markdown(systems, ratios, targets, quotaEstimate, step, roundCount);
    BenchResults.write(RESULTS.resolve(NAME), result, markdown);
    System.out.println(markdown);
    plot(systems);
  }

  private static Map<String, Object> setup(Duration step, int roundCount) {
    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("cores", Runtime.getRuntime().availableProcessors());
    setup.put("rounds", roundCount);
    setup.put("seconds_per_measurement", step.toSeconds());
    setup.put("throughput_clients", RouterBench.THROUGHPUT_CLIENTS);
    setup.put("in_flight", RouterBench.IN_FLIGHT);
    setup.put("open_loop_rates", RouterBench.RATES);
    setup.put(
        "upstreams",
        "nginx: a fixed chat completion at once; /slow/ via nginx to the simulator, 60 ms to the first byte");
    setup.put("java_systems", BenchSystems.JVM_MEMORY + ", event loops as Quarkus sizes them");
    return setup;
  }

  private static Map<String, Object> summary(
      List<Measured> measured, double directP50, double directP99, Double peakMemoryMiB) {
    Map<String, Object> s = new LinkedHashMap<>();
    double p50 = median(measured, Measured::p50Ms);
    double p99 = median(measured, Measured::p99Ms);
    s.put("p50_ms", p50);
    s.put("p99_ms", p99);
    s.put("added_p50_ms", p50 - directP50);
    s.put("added_p99_ms", p99 - directP99);
    s.put("throughput_c50", median(measured, Measured::throughput));
    s.put("in_flight_throughput", median(measured, Measured::inFlightThroughput));
    s.put("in_flight_p50_ms", median(measured, Measured::inFlightP50Ms));
    s.put("in_flight_p99_ms", median(measured, Measured::inFlightP99Ms));
    s.put("in_flight_errors", (double) measured.stream().mapToLong(Measured::inFlightErrors).sum());
    s.put("first_byte_p50_ms", median(measured, Measured::firstByteP50Ms));
    s.put("first_byte_p99_ms", median(measured, Measured::firstByteP99Ms));
    s.put("errors", (double) measured.stream().mapToLong(Measured::errors).sum());
    s.put("peak_memory_mib", peakMemoryMiB);
    s.put("open_loop", openLoop(measured));
    return s;
  }

  /**
   * Per rate, medians over the rounds that ran it; a rate fewer than half the rounds reached is
   * left out (saturated).
   */
  private static List<RatePoint> openLoop(List<Measured> measured) {
    List<RatePoint> points = new ArrayList<>();
    for (int rate : RouterBench.RATES) {
      List<RatePoint> at =
          measured.stream().flatMap(m -> m.rates().stream()).filter(p -> p.rate() == rate).toList();
      if (at.size() * 2 < measured.size() || at.isEmpty()) {
        break;
      }
      points.add(
          new RatePoint(
              rate,
              median(at, RatePoint::p50Ms),
              median(at, RatePoint::p99Ms),
              at.stream().mapToLong(RatePoint::errors).sum()));
    }
    return points;
  }

  static <T> double median(List<T> values, ToDoubleFunction<T> figure) {
    double[] sorted = values.stream().mapToDouble(figure).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** NaN for a system left out of the run ({@code bench.systems}). */
  private static double figure(
      Map<String, Map<String, Object>> systems, String system, String name) {
    Map<String, Object> figures = systems.get(system);
    return figures == null ? Double.NaN : ((Number) figures.get(name)).doubleValue();
  }

  private static String markdown(
      Map<String, Map<String, Object>> systems,
      Map<String, Double> ratios,
      List<Target> targets,
      Map<String, Double> quotaEstimate,
      Duration step,
      int roundCount) {
    StringBuilder md = new StringBuilder("# Router benchmark\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "One %d-core machine, all on loopback. Medians of %d interleaved rounds after a warm-up, "
                + "%d s per measurement. Fast upstream: nginx answering a fixed chat completion; slow upstream: 60 ms to the first byte. "
                + "Added latency is over the direct call at concurrency 1. Open-loop latencies run from each request's due time. "
                + "Router, cache miss: every question new, so a Redis lookup and a store per request; cache hit: the same question again; "
                + "cache off: new questions with cache-control: no-store. "
                + "Messages rows: the same new questions as Anthropic Messages bodies to POST /v1/messages, cache off, "
                + "translated for the OpenAI-compatible upstreams or passed through to the same upstreams "
                + "serving Anthropic's API (nginx's fixed Messages answer, the simulator's Anthropic mode); "
                + "their targets compare them with router, cache off. Every body sets max_tokens %d. "
                + "Portkey gets each request's upstream in its headers.%n%n",
            Runtime.getRuntime().availableProcessors(),
            roundCount,
            step.toSeconds(),
            BenchSystems.MAX_TOKENS));
    md.append(
        "| system | p50 ms (c=1) | added p50 ms | added p99 ms | req/s (c=50) | req/s, 300 in flight | p99 ms, 300 in flight "
            + "| errors, 300 in flight | TTFB p50 ms (stream) | other errors | peak memory MiB |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    systems.forEach(
        (name, s) ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.0f | %.0f | %.1f | %.0f | %s | %.0f | %s |%n",
                    name,
                    s.get("p50_ms"),
                    s.get("added_p50_ms"),
                    s.get("added_p99_ms"),
                    s.get("throughput_c50"),
                    s.get("in_flight_throughput"),
                    s.get("in_flight_p99_ms"),
                    s.get("in_flight_errors"),
                    orNone((Double) s.get("first_byte_p50_ms"), "%.1f"),
                    s.get("errors"),
                    orNone((Double) s.get("peak_memory_mib"), "%.0f"))));
    md.append(
        "\n## Open loop: p50 / p99 ms at a fixed rate (— : saturated, p99 over 1 s or over 1% errors)\n\n| system |");
    for (int rate : RouterBench.RATES) {
      md.append(' ').append(rate).append(" req/s |");
    }
    md.append("\n|---|").append("---|".repeat(RouterBench.RATES.length)).append('\n');
    systems.forEach(
        (name, s) -> {
          md.append("| ").append(name).append(" |");
          @SuppressWarnings("unchecked")
          List<RatePoint> points = (List<RatePoint>) s.get("open_loop");
          for (int i = 0; i < RouterBench.RATES.length; i++) {
            md.append(
                i < points.size()
                    ? String.format(
                        Locale.ROOT, " %.1f / %.1f |", points.get(i).p50Ms(), points.get(i).p99Ms())
                    : " — |");
          }
          md.append('\n');
        });
    md.append("\n## Ratios\n\n");
    ratios.forEach((k, v) -> md.append(String.format(Locale.ROOT, "- %s: %.3f%n", k, v)));
    md.append("\n## Targets\n\n");
    targets.forEach(
        t ->
            md.append(
                String.format(
                    Locale.ROOT,
                    "- %s %s %s: %s (%s)%n",
                    t.ratio(),
                    t.comparison(),
                    trim(t.limit()),
                    trim(t.value()),
                    Double.isNaN(t.value()) ? "not measured" : t.met() ? "met" : "MISSED")));
    md.append(
        String.format(
            Locale.ROOT,
            "%n## Cost prediction (keyed router)%n%nSettled cost over the cost reserved at admission "
                + "(every body sets max_tokens %d; percentiles of the last round's keyed cache-miss "
                + "measurement, mean over the run):%n%n",
            BenchSystems.MAX_TOKENS));
    quotaEstimate.forEach(
        (k, v) ->
            md.append(
                k.equals("settled_requests")
                    ? String.format(Locale.ROOT, "- %s: %.0f%n", k, v)
                    : String.format(Locale.ROOT, "- %s: %.4g%n", k, v)));
    md.append("\n![latency against request rate](" + NAME + "-latency.png)\n");
    return md.toString();
  }

  /**
   * "n/a" where nothing was measured: no process of its own (direct), or every streamed request
   * failed.
   */
  private static String orNone(Double value, String format) {
    return value == null || value.isNaN() ? "n/a" : String.format(Locale.ROOT, format, value);
  }

  private static String trim(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.3f", value);
  }

  /**
   * Latency against open-loop rate, p50 solid and p99 dashed per system, log scale; skipped without
   * gnuplot.
   */
  private static void plot(Map<String, Map<String, Object>> systems)
      throws IOException, InterruptedException {
    Path data = Files.createTempFile("router-latency", ".dat");
    StringBuilder table = new StringBuilder();
    StringBuilder lines = new StringBuilder();
    int index = 0;
    for (Map.Entry<String, Map<String, Object>> system : systems.entrySet()) {
      table.append("# ").append(system.getKey()).append('\n');
      @SuppressWarnings("unchecked")
      List<RatePoint> points = (List<RatePoint>) system.getValue().get("open_loop");
      points.forEach(
          p ->
              table.append(
                  String.format(Locale.ROOT, "%d %.3f %.3f%n", p.rate(), p.p50Ms(), p.p99Ms())));
      table.append("\n\n");
      String data1 = "'" + data + "' index " + index;
      lines
          .append(index == 0 ? "plot " : ", ")
          .append(
              String.format(
                  Locale.ROOT,
                  "%1$s using 1:2 with linespoints lc %2$d dt 1 title '%3$s p50', %1$s using 1:3 with linespoints lc %2$d dt 2 title '%3$s p99'",
                  data1,
                  index + 1,
                  system.getKey()));
      index++;
    }
    Files.writeString(data, table);
    String script =
        "set terminal pngcairo size 1000,620\nset output '"
            + RESULTS.resolve(NAME + "-latency.png")
            + "'\n"
            + "set title 'Latency against request rate (open loop, fast upstream)'\nset xlabel 'requests per second'\n"
            + "set ylabel 'latency ms (log)'\nset logscale xy\nset key outside right\nset grid\n"
            + lines
            + "\n";
    try {
      Process gnuplot = new ProcessBuilder("gnuplot").redirectErrorStream(true).start();
      gnuplot.getOutputStream().write(script.getBytes());
      gnuplot.getOutputStream().close();
      String output = new String(gnuplot.getInputStream().readAllBytes());
      if (gnuplot.waitFor() != 0) {
        System.out.println("gnuplot failed: " + output);
      }
    } catch (IOException e) {
      System.out.println("no gnuplot here (make bench-router installs it); no plot written");
    } finally {
      Files.deleteIfExists(data);
    }
  }
}
