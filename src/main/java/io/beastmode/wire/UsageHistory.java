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
 * Adding (HINCRBY) rather than setting lets every pod of a region write the same keys.
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

  /** The commands that add {@code delta}, served up to {@code epochSecond}, to the history. */
  public static List<Request> add(
      String router, String region, UsageSample delta, long epochSecond) {
    var commands = new ArrayList<Request>();
    addTo(commands, slotKey(router, region, epochSecond), delta, SLOT_RETENTION_SECONDS);
    addTo(commands, hourKey(router, region, epochSecond), delta, HOUR_RETENTION_SECONDS);
    if (delta.requests() != 0) {
      String rates = rateKey(router, region);
      commands.add(
          Request.cmd(Command.HINCRBY)
              .arg(rates)
              .arg(rateField(epochSecond))
              .arg(delta.requests()));
      commands.add(Request.cmd(Command.EXPIRE).arg(rates).arg(RATE_RETENTION_SECONDS));
    }
    return commands;
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

  private static void addTo(
      List<Request> commands, String key, UsageSample delta, long retentionSeconds) {
    increment(commands, key, REQUESTS, delta.requests());
    increment(commands, key, ERRORS, delta.errors());
    increment(commands, key, HITS, delta.cacheHits());
    increment(commands, key, MISSES, delta.cacheMisses());
    for (int i = 0; i < delta.latencyCounts().length; i++) {
      increment(commands, key, LATENCY + i, delta.latencyCounts()[i]);
    }
    if (delta.costUsd() != 0) {
      commands.add(
          Request.cmd(Command.HINCRBYFLOAT)
              .arg(key)
              .arg(COST)
              .arg(Double.toString(delta.costUsd())));
    }
    commands.add(Request.cmd(Command.EXPIRE).arg(key).arg(retentionSeconds));
  }

  private static void increment(List<Request> commands, String key, String field, long by) {
    if (by != 0) {
      commands.add(Request.cmd(Command.HINCRBY).arg(key).arg(field).arg(by));
    }
  }

  private static long longField(Map<String, String> hash, String field) {
    String value = hash.get(field);
    return value == null ? 0 : Long.parseLong(value);
  }

  private static String prefix(String router, String region) {
    return "beastmode:history:" + router + ":" + region + ":";
  }
}
