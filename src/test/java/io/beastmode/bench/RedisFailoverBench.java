package io.beastmode.bench;

import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.router.access.KeyedTraffic;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.beastmode.wire.QuotaKeys;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A region's Redis as a Sentinel set (master, two replicas, three sentinels, each a real
 * redis-server) under 200 keyed requests a second from three routers' ledgers and caches; the
 * master is killed (SIGKILL), frozen (SIGSTOP past the failover timeout, then resumed) or cut off
 * (its TCP proxy, through which routers and sentinels reach it, drops everything while its
 * replication link stays) or killed a second after its replicas' links went down (replication that
 * lags), each with and without the ledger waiting for a replica (WAIT 1). Writes
 * bench/results/redis-failover.json and .md.
 */
public final class RedisFailoverBench {
  static final Path RESULTS = Path.of("bench", "results");
  static final long NANO = 1_000_000_000L;
  static final int PER_SECOND = 200;
  static final int ROUTERS = 3;
  static final double TIGHT_BUDGET_USD = 0.45;
  static final double LOCAL_ALLOWANCE_USD = 0.02;
  static final long ESTIMATE_NANO = 2 * NANO / 1000;
  static final long REAL_NANO = NANO / 1000;
  static final Duration WARM_UP = Duration.ofSeconds(4);
  static final Duration FAULT = Duration.ofSeconds(6);
  static final Duration AFTER = Duration.ofSeconds(8);
  static final Duration LAG = Duration.ofSeconds(1);

  public static void main(String[] args) throws Exception {
    var faults = new ArrayList<Map<String, Object>>();
    for (String fault : List.of("kill", "freeze", "partition", "kill lagging")) {
      for (int wait : new int[] {0, 1}) {
        faults.add(run(fault, wait));
        System.out.println(faults.get(faults.size() - 1));
      }
    }
    var result = new LinkedHashMap<String, Object>();
    result.put("requests_per_second", PER_SECOND);
    result.put("routers", ROUTERS);
    result.put("replicas", 2);
    result.put("sentinels", 3);
    result.put("sentinel_down_after_ms", RedisSentinelSet.DOWN_AFTER.toMillis());
    result.put("sentinel_failover_timeout_ms", RedisSentinelSet.FAILOVER_TIMEOUT.toMillis());
    result.put("ledger_timeout_ms", 500);
    result.put("wait_timeout_ms", 100);
    result.put("tight_budget_usd", TIGHT_BUDGET_USD);
    result.put("local_allowance_usd_per_router", LOCAL_ALLOWANCE_USD);
    result.put("spend_bound_usd", TIGHT_BUDGET_USD + ROUTERS * LOCAL_ALLOWANCE_USD);
    result.put("faults", faults);
    BenchResults.write(RESULTS.resolve("redis-failover"), result, markdown(result, faults));
    System.exit(0);
  }

  static Map<String, Object> run(String fault, int waitReplicas) throws Exception {
    var set = RedisSentinelSet.start(2, 3);
    var vertx = Vertx.vertx();
    String address =
        "sentinel:" + RedisSentinelSet.MASTER_NAME + "@" + String.join(",", set.sentinelUrls());
    var traffic =
        new KeyedTraffic(
            vertx,
            () -> RedisAddress.options(address),
            ROUTERS,
            new QuotaLedger.Settings(Duration.ofMillis(500), waitReplicas, Duration.ofMillis(100)),
            TIGHT_BUDGET_USD,
            LOCAL_ALLOWANCE_USD,
            ESTIMATE_NANO,
            REAL_NANO);
    try {
      var master = set.master();
      traffic.start(PER_SECOND);
      Thread.sleep(WARM_UP.toMillis());
      long faultAt = System.currentTimeMillis();
      switch (fault) {
        case "kill" -> set.kill(master);
        case "kill lagging" -> {
          // The replicas' links down for the last second: what they lack is what a failover
          // loses, as when replication lags under load.
          var replicas = set.servers().stream().filter(node -> node != master).toList();
          replicas.forEach(RedisSentinelSet.Node::cutReplication);
          Thread.sleep(LAG.toMillis());
          faultAt = System.currentTimeMillis();
          set.kill(master);
          replicas.forEach(RedisSentinelSet.Node::restoreReplication);
        }
        case "freeze" -> {
          set.freeze(master);
          Thread.sleep(FAULT.toMillis());
          set.resume(master);
        }
        default -> {
          master.proxyCut();
          Thread.sleep(FAULT.toMillis());
          master.proxyRestore();
        }
      }
      Thread.sleep(AFTER.toMillis());
      traffic.stop();
      boolean drained = traffic.drain(Duration.ofSeconds(30));
      return figures(fault, waitReplicas, set, traffic, faultAt, drained);
    } finally {
      traffic.close();
      vertx.close().toCompletionStage().toCompletableFuture().join();
      set.close();
    }
  }

  static Map<String, Object> figures(
      String fault,
      int waitReplicas,
      RedisSentinelSet set,
      KeyedTraffic traffic,
      long faultAt,
      boolean drained)
      throws Exception {
    var row = new LinkedHashMap<String, Object>();
    row.put("fault", fault + (waitReplicas > 0 ? " with WAIT" : " without WAIT"));
    // From the fault to the first write that succeeds after the first that failed (a signal
    // lands a few ms after it is sent; writes in between still succeed).
    long failedAt =
        traffic.ledgerWrites.stream()
            .filter(w -> w[0] >= faultAt && w[2] == 0)
            .mapToLong(w -> w[0])
            .min()
            .orElse(faultAt);
    long resumedAt =
        traffic.ledgerWrites.stream()
            .filter(w -> w[0] > failedAt && w[2] == 1)
            .mapToLong(w -> w[1])
            .min()
            .orElse(-1);
    row.put("write_recovery_seconds", resumedAt < 0 ? null : (resumedAt - faultAt) / 1000.0);
    var failed = new TreeMap<String, Long>();
    traffic.refusals.forEach(
        (why, count) -> {
          if (!why.equals("429 budget spent")) {
            failed.put(why, count.get());
          }
        });
    row.put("requests_failed", failed);
    row.put("requests_refused_budget_spent", count(traffic, "429 budget spent"));
    row.put("requests_admitted", traffic.admitted.get());
    row.put("budgeted_admitted_without_ledger", traffic.admittedWithoutLedger.get());
    Instant today = Instant.now();
    long missing = 0;
    // A reservation's settlement that found it missing is counted by its ledger; one whose
    // settlement is missing too is missing when its hold is not in Redis either.
    long reservationsMissing = traffic.reservationsNotFound();
    long spent = 0;
    long tight;
    try (var redis = RedisCommands.to(set.master().url())) {
      for (var settled : traffic.acknowledged) {
        String[] bit = KeyedTraffic.bit(settled);
        if (redis.send("GETBIT", bit[0], bit[1]).toInteger() == 0) {
          missing++;
          var reservation = settled.reservation();
          if (!reservation.withoutLedger()
              && redis
                      .send("HEXISTS", reservation.keys().held(), "r:" + reservation.id())
                      .toInteger()
                  == 0) {
            reservationsMissing++;
          }
        }
      }
      for (String key : List.of(KeyedTraffic.STEADY, KeyedTraffic.TIGHT)) {
        spent += redis.number(QuotaKeys.of("team", key, false).usdOnDay(today));
      }
      tight = redis.number(QuotaKeys.of("team", KeyedTraffic.TIGHT, false).usdOnDay(today));
    }
    row.put("acknowledged_reservations", traffic.acknowledgedReservations.get());
    row.put("acknowledged_reservations_missing", reservationsMissing);
    row.put("acknowledged_settlements", traffic.acknowledged.size());
    row.put("acknowledged_settlements_missing", missing);
    long logged = traffic.logged(KeyedTraffic.STEADY) + traffic.logged(KeyedTraffic.TIGHT);
    row.put("spend_minus_settlement_log_usd", (spent - logged) / 1e9);
    row.put("kept_settlements_all_written", drained);
    row.put("tight_budget_spent_usd", tight / 1e9);
    // What the routers really spent on it: Redis lacks what a failover lost.
    long tightLogged = traffic.logged(KeyedTraffic.TIGHT);
    row.put("tight_budget_spent_by_settlement_log_usd", tightLogged / 1e9);
    row.put(
        "tight_budget_within_bound",
        Math.max(tight, tightLogged)
            <= Math.round((TIGHT_BUDGET_USD + ROUTERS * LOCAL_ALLOWANCE_USD) * NANO));
    long switchAt = resumedAt < 0 ? Long.MAX_VALUE : resumedAt;
    row.put(
        "readonly_errors_after_switch",
        traffic.readOnlyErrors.stream().filter(at -> at >= switchAt).count());
    row.put(
        "readonly_errors_2s_after_switch",
        traffic.readOnlyErrors.stream().filter(at -> at >= switchAt + 2000).count());
    row.put("readonly_errors_total", traffic.readOnlyErrors.size());
    row.put("cache_hit_rate_recovery_seconds", cacheRecovery(traffic, faultAt));
    row.put("ledger_ms_p50_before_fault", latency(traffic, faultAt, 0.5));
    row.put("ledger_ms_p99_before_fault", latency(traffic, faultAt, 0.99));
    return row;
  }

  private static long count(KeyedTraffic traffic, String why) {
    var count = traffic.refusals.get(why);
    return count == null ? 0 : count.get();
  }

  /** Seconds from the fault until a whole second's hit rate is back to 90% of the warm rate. */
  private static Double cacheRecovery(KeyedTraffic traffic, long faultAt) {
    var rates = traffic.hitRateBySecond();
    long faultSecond = faultAt / 1000;
    double warm =
        rates.subMap(faultSecond - 2, faultSecond).values().stream()
            .mapToDouble(Double::doubleValue)
            .average()
            .orElse(1);
    for (var entry : rates.tailMap(faultSecond, true).entrySet()) {
      if (entry.getKey() > faultSecond && entry.getValue() >= 0.9 * warm) {
        return (entry.getKey() * 1000 - faultAt) / 1000.0;
      }
    }
    return null;
  }

  /** A quantile of the ledger's admission latency, in ms, over the second before the fault. */
  private static Long latency(KeyedTraffic traffic, long faultAt, double quantile) {
    var times =
        traffic.ledgerWrites.stream()
            .filter(w -> w[2] == 1 && w[0] > faultAt - 2000 && w[0] < faultAt)
            .mapToLong(w -> w[1] - w[0])
            .sorted()
            .toArray();
    return times.length == 0
        ? null
        : times[(int) Math.min(times.length - 1, quantile * times.length)];
  }

  private static String markdown(Map<String, Object> result, List<Map<String, Object>> faults) {
    var rows = new ArrayList<List<?>>();
    for (var f : faults) {
      rows.add(
          List.of(
              f.get("fault"),
              f.get("write_recovery_seconds"),
              f.get("requests_failed"),
              f.get("budgeted_admitted_without_ledger"),
              f.get("acknowledged_reservations_missing")
                  + " of "
                  + f.get("acknowledged_reservations"),
              f.get("acknowledged_settlements_missing")
                  + " of "
                  + f.get("acknowledged_settlements"),
              f.get("spend_minus_settlement_log_usd"),
              f.get("tight_budget_spent_usd")
                  + " / "
                  + f.get("tight_budget_spent_by_settlement_log_usd"),
              f.get("readonly_errors_after_switch")
                  + " / "
                  + f.get("readonly_errors_2s_after_switch"),
              f.get("cache_hit_rate_recovery_seconds"),
              f.get("ledger_ms_p50_before_fault") + " / " + f.get("ledger_ms_p99_before_fault")));
    }
    return "# Redis failover benchmark\n\n"
        + "A region's Redis: a master, 2 replicas and 3 sentinels (real redis-server processes,"
        + " Sentinel down-after-milliseconds "
        + result.get("sentinel_down_after_ms")
        + ", failover-timeout "
        + result.get("sentinel_failover_timeout_ms")
        + " ms). Three routers' ledgers and cache connections (Vert.x Sentinel client, automatic"
        + " failover) send "
        + PER_SECOND
        + " keyed requests/s: each reserves its budget, looks up the cache (stores on a miss) and"
        + " settles 20 ms later. Two keys: one with a budget that never runs out, one of "
        + TIGHT_BUDGET_USD
        + " USD/day that runs out about when the fault strikes. Local allowance "
        + LOCAL_ALLOWANCE_USD
        + " USD per router and key: the stated bound on the tight key's spend is "
        + result.get("spend_bound_usd")
        + " USD. Ledger call timeout 500 ms; WAIT 1 with a 100 ms timeout. Faults: kill = SIGKILL;"
        + " freeze = SIGSTOP for "
        + FAULT.toSeconds()
        + " s then SIGCONT; partition = the master's TCP proxy (the only way routers and"
        + " sentinels reach it) drops everything for "
        + FAULT.toSeconds()
        + " s while its replicas keep their direct replication link; kill lagging = the replicas'"
        + " replication links cut "
        + LAG.toSeconds()
        + " s before the SIGKILL (replication that lags under load). Run by `make"
        + " bench-redis-failover`.\n\n"
        + BenchResults.table(
            List.of(
                "fault",
                "writes again after s",
                "requests failed",
                "admitted without ledger",
                "ack'd reservations missing",
                "ack'd settlements missing",
                "spend − settlement log USD",
                "tight budget spent USD, in Redis / by the routers' log",
                "READONLY after switch / 2 s after",
                "cache hit rate back after s",
                "ledger ms p50 / p99 before fault"),
            rows)
        + "\nTargets: writes again within 5 s of a kill; no request fails for a cache-only reason"
        + " (cache errors never fail a request here: no status counts them); no READONLY error 2 s"
        + " after the switch; spend within the stated bound; with WAIT, no acknowledged settlement"
        + " lost in the kill and freeze cases. An acknowledged reservation is missing when its"
        + " settlement found no hold in the new master (or, its settlement missing too, no hold is"
        + " there at the end).\n";
  }
}
