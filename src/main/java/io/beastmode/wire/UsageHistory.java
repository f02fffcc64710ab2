package io.beastmode.wire;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where routers keep their usage history in their region's Redis, for the operator's SLOs and
 * forecasts. Every pod adds what it served since its last heartbeat to three places:
 *
 * <ul>
 *   <li>a hash per {@value #SLOT_SECONDS}-second slot, kept a few hours: short burn-rate windows;
 *   <li>a hash per hour, kept for the longest SLO window: error budgets over days;
 *   <li>one hash of request counts per {@value #RATE_BUCKET_SECONDS}-second bucket, kept for the
 *       forecast's days of history; the operator trims its old fields.
 * </ul>
 *
 * Adding (HINCRBY) rather than setting lets every pod of a region write the same keys. Each
 * addition is numbered by its process and taken once per hash (a field {@code seq:POD:STARTED}
 * holds the last one taken), so one sent again after its reply was lost is not counted twice.
 */
public final class UsageHistory {
  public static final int SLOT_SECONDS = 10;
  public static final long SLOT_RETENTION_SECONDS = 3 * 3600;
  public static final long HOUR_RETENTION_SECONDS = 92L * 86_400;
  public static final int RATE_BUCKET_SECONDS = 300;
  public static final long RATE_RETENTION_SECONDS = 9L * 86_400;

  private static final String REQUESTS = "requests";
  private static final String ERRORS = "errors";
  private static final String HITS = "hits";
  private static final String MISSES = "misses";
  private static final String COST = "cost";
  private static final String LATENCY = "l";

  /** The prefix of a hash's fields that hold each process's last addition taken. */
  private static final String SEQ = "seq:";

  private static final RedisScript SCRIPT = RedisScript.load("usage.lua");

  private UsageHistory() {}

  public static String slotKey(String router, String region, long epochSecond) {
    return prefix(router, region) + "s:" + epochSecond / SLOT_SECONDS;
  }

  public static String hourKey(String router, String region, long epochSecond) {
    return prefix(router, region) + "h:" + epochSecond / 3600;
  }

  public static String rateKey(String router, String region) {
    return "beastmode:rate:" + router + ":" + region;
  }

  /** Field of the rate hash holding the bucket that contains {@code epochSecond}. */
  public static String rateField(long epochSecond) {
    return Long.toString(epochSecond / RATE_BUCKET_SECONDS);
  }

  /**
   * The commands that add {@code delta}, served up to {@code epochSecond}, to the history: one
   * script per hash that adds it once however often it is sent ({@code usage.lua}).
   *
   * @param process the adding process as {@code POD:STARTED}: its additions are numbered from 1
   * @param addition this addition's number; the process sends again those it did not see taken, in
   *     order, each with its own number
   */
  public static List<Request> add(
      String router,
      String region,
      String process,
      long addition,
      UsageSample delta,
      long epochSecond) {
    var commands = new ArrayList<Request>();
    var marker = List.of(SEQ + process, Long.toString(addition));
    commands.add(
        script(
            slotKey(router, region, epochSecond), marker, SLOT_RETENTION_SECONDS, counters(delta)));
    commands.add(
        script(
            hourKey(router, region, epochSecond), marker, HOUR_RETENTION_SECONDS, counters(delta)));
    if (delta.requests() != 0) {
      commands.add(
          script(
              rateKey(router, region),
              marker,
              RATE_RETENTION_SECONDS,
              List.of(rateField(epochSecond), Long.toString(delta.requests()), "i")));
    }
    return commands;
  }

  /** Whether a field of the rate hash is a bucket (not a process's addition number). */
  public static boolean isRateBucket(String field) {
    return !field.isEmpty() && field.chars().allMatch(Character::isDigit);
  }

  /** A slot or hour hash's fields; a missing key reads as nothing served. */
  public static UsageSample read(Map<String, String> hash) {
    if (hash.isEmpty()) {
      return UsageSample.EMPTY;
    }
    long[] latency = new long[LatencyHistogram.BOUNDS_MS.length + 1];
    for (int i = 0; i < latency.length; i++) {
      latency[i] = longField(hash, LATENCY + i);
    }
    String cost = hash.get(COST);
    return new UsageSample(
        longField(hash, REQUESTS),
        longField(hash, ERRORS),
        longField(hash, HITS),
        longField(hash, MISSES),
        cost == null ? 0 : Double.parseDouble(cost),
        latency);
  }

  /** A slot or hour hash's counters of {@code delta}: field, amount, i or f (a float). */
  private static List<String> counters(UsageSample delta) {
    var counters = new ArrayList<String>();
    increment(counters, REQUESTS, delta.requests());
    increment(counters, ERRORS, delta.errors());
    increment(counters, HITS, delta.cacheHits());
    increment(counters, MISSES, delta.cacheMisses());
    for (int i = 0; i < delta.latencyCounts().length; i++) {
      increment(counters, LATENCY + i, delta.latencyCounts()[i]);
    }
    if (delta.costUsd() != 0) {
      counters.addAll(List.of(COST, Double.toString(delta.costUsd()), "f"));
    }
    return counters;
  }

  private static void increment(List<String> counters, String field, long by) {
    if (by != 0) {
      counters.addAll(List.of(field, Long.toString(by), "i"));
    }
  }

  private static Request script(
      String key, List<String> marker, long retentionSeconds, List<String> counters) {
    var args = new ArrayList<String>(marker);
    args.add(Long.toString(retentionSeconds));
    args.addAll(counters);
    Request eval = Request.cmd(Command.EVAL);
    SCRIPT.arguments(true, List.of(key), args).forEach(eval::arg);
    return eval;
  }

  private static long longField(Map<String, String> hash, String field) {
    String value = hash.get(field);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static String prefix(String router, String region) {
    return "beastmode:history:" + router + ":" + region + ":";
  }
}
