package io.beastmode.bench.router;

import io.beastmode.bench.router.BenchSystems.SystemUnderTest;
import io.beastmode.bench.router.LoadGenerator.Result;
import io.beastmode.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code make bench-router}: the router beside a direct call, a minimal Vert.x proxy and the
 * Portkey gateway, all on loopback against the same upstreams. After a warm-up, every system is
 * measured once per round, rounds interleaved so the machine's drift spreads over all of them; the
 * report gives medians over rounds and ratios between systems of this one run. Writes {@code
 * bench/results/router.json}, {@code router.md} and {@code router-latency.png}.
 *
 * <p>System properties: {@code bench.rounds} (3), {@code bench.seconds} per measurement (5), {@code
 * bench.portkey} the gateway's start script (the Makefile provisions it), {@code
 * bench.routerJvmArgs} extra JVM flags for the router (a profiler, say), {@code bench.systems} the
 * systems to measure, their names separated by {@code ;} (all by default; Portkey is started only
 * when it is one of them, and ratios between systems left out are NaN).
 */
public final class RouterBench {
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final Duration STEP = Duration.ofSeconds(Integer.getInteger("bench.seconds", 5));
  static final int[] RATES = {250, 500, 1000, 2000, 4000, 8000};
  static final int THROUGHPUT_CLIENTS = 50;
  static final int IN_FLIGHT = 300;

  /**
   * An open-loop rate past which a system is saturated: later, higher rates are not tried in that
   * round.
   */
  static final double SATURATED_P99_MS = 1000;

  /** Open-loop latency at one fixed rate. */
  record RatePoint(int rate, double p50Ms, double p99Ms, long errors) {}

  /**
   * One system's figures in one round; {@code errors} of the concurrency-1, concurrency-50 and
   * streamed runs.
   */
  record Measured(
      double p50Ms,
      double p99Ms,
      double throughput,
      double inFlightThroughput,
      double inFlightP50Ms,
      double inFlightP99Ms,
      long inFlightErrors,
      double firstByteP50Ms,
      double firstByteP99Ms,
      long errors,
      List<RatePoint> rates) {}

  public static void main(String[] args) throws Exception {
    Set<String> selected = selectedSystems();
    boolean withPortkey = selected == null || selected.contains(RouterBenchReport.PORTKEY);
    String portkey = System.getProperty("bench.portkey");
    if (withPortkey && (portkey == null || !Files.exists(Path.of(portkey)))) {
      throw new IllegalStateException(
          "bench.portkey must name the Portkey gateway's start script (make bench-router provisions it)");
    }
    Path work = Files.createTempDirectory("beastmode-bench-router");
    Map<String, List<Measured>> rounds = new LinkedHashMap<>();
    Map<String, Double> peakMemory = new LinkedHashMap<>();
    Map<String, Double> quotaEstimate = Map.of();
    try (BenchSystems systems = new BenchSystems(work, withPortkey ? portkey : null);
        LoadGenerator load = new LoadGenerator(2 * IN_FLIGHT)) {
      List<SystemUnderTest> all =
          systems.systems().stream()
              .filter(system -> selected == null || selected.contains(system.name()))
              .toList();
      if (selected != null && all.size() < selected.size()) {
        throw new IllegalArgumentException(
            "bench.systems names a system there is not; there are "
                + systems.systems().stream().map(SystemUnderTest::name).toList());
      }
      System.out.printf("systems up (logs in %s); warming up%n", work);
      for (SystemUnderTest system : all) {
        warmUp(load, system);
        rounds.put(system.name(), new ArrayList<>());
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < all.size(); i++) {
          SystemUnderTest system = all.get((round + i) % all.size());
          System.out.printf("round %d/%d: %s%n", round + 1, ROUNDS, system.name());
          Measured measured = measure(load, system);
          print(measured);
          rounds.get(system.name()).add(measured);
          if (system.name().equals(RouterBenchReport.KEYED_MISS)) {
            // Its percentiles cover the last two minutes: read them while they hold this
            // measurement (the last round's is reported).
            quotaEstimate = systems.quotaEstimate();
          }
        }
      }
      all.forEach(system -> peakMemory.put(system.name(), system.peakMemoryMiB().getAsDouble()));
    }
    RouterBenchReport.write(rounds, peakMemory, quotaEstimate, STEP, ROUNDS);
    // The systems' logs are kept only when a run fails, to read why.
    TempFiles.delete(work);
    System.exit(0);
  }

  /** The systems {@code bench.systems} names; null for all. */
  private static Set<String> selectedSystems() {
    String names = System.getProperty("bench.systems", "").trim();
    if (names.isEmpty()) {
      return null;
    }
    Set<String> selected = new LinkedHashSet<>();
    for (String name : names.split(";")) {
      if (!name.isBlank()) {
        selected.add(name.trim());
      }
    }
    return selected;
  }

  static void warmUp(LoadGenerator load, SystemUnderTest system) {
    load.closedLoop(system.fast(), THROUGHPUT_CLIENTS, STEP.multipliedBy(2));
    load.closedLoop(system.slow(), THROUGHPUT_CLIENTS, STEP);
    load.firstByte(system.stream(), STEP.dividedBy(2));
  }

  static Measured measure(LoadGenerator load, SystemUnderTest system) {
    Result single = reported(load.closedLoop(system.fast(), 1, STEP), "concurrency 1");
    Result many =
        reported(
            load.closedLoop(system.fast(), THROUGHPUT_CLIENTS, STEP),
            "concurrency " + THROUGHPUT_CLIENTS);
    Result inFlight =
        reported(load.closedLoop(system.slow(), IN_FLIGHT, STEP), IN_FLIGHT + " in flight");
    Result firstByte = reported(load.firstByte(system.stream(), STEP), "streamed");
    List<RatePoint> rates = new ArrayList<>();
    for (int rate : RATES) {
      Result open = reported(load.openLoop(system.fast(), rate, STEP), rate + " req/s");
      RatePoint point =
          new RatePoint(rate, open.percentileMs(50), open.percentileMs(99), open.errors());
      rates.add(point);
      if (point.p99Ms() > SATURATED_P99_MS || open.errors() > open.requests() / 100) {
        break;
      }
    }
    return new Measured(
        single.percentileMs(50),
        single.percentileMs(99),
        many.throughput(),
        inFlight.throughput(),
        inFlight.percentileMs(50),
        inFlight.percentileMs(99),
        inFlight.errors(),
        firstByte.percentileMs(50),
        firstByte.percentileMs(99),
        single.errors() + many.errors() + firstByte.errors(),
        rates);
  }

  private static Result reported(Result result, String what) {
    if (result.errors() > 0) {
      System.out.printf(
          "  %s: %d of %d requests failed, the first: %s%n",
          what, result.errors(), result.requests(), result.firstError());
    }
    return result;
  }

  private static void print(Measured m) {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "  c=1 p50 %.2f ms p99 %.2f ms | c=%d %.0f req/s (%d errors) | %d in flight %.0f req/s p99 %.1f ms (%d errors) | TTFB p50 %.1f ms | open loop",
                m.p50Ms(),
                m.p99Ms(),
                THROUGHPUT_CLIENTS,
                m.throughput(),
                m.errors(),
                IN_FLIGHT,
                m.inFlightThroughput(),
                m.inFlightP99Ms(),
                m.inFlightErrors(),
                m.firstByteP50Ms()));
    for (RatePoint point : m.rates()) {
      line.append(String.format(Locale.ROOT, " %d/s p99 %.1f ms", point.rate(), point.p99Ms()));
    }
    System.out.println(line);
  }
}
