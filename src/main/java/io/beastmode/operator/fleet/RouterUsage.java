package io.beastmode.operator.fleet;

import io.beastmode.wire.UsageHistory;
import io.beastmode.wire.UsageSample;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the usage history routers keep in their region's Redis ({@link UsageHistory}). */
@Singleton
public class RouterUsage {
  private final RegionRedisClients redis;

  /**
   * Completed request-count buckets, oldest first, from the first one with data.
   *
   * @param secondsIntoBucket how far into the current, unfinished bucket {@code now} is
   */
  public record RateHistory(double[] requestsPerBucket, int secondsIntoBucket) {}

  public RouterUsage(RegionRedisClients redis) {
    this.redis = redis;
  }

  /**
   * What one router's pods in one region served over each window ending {@code now}. Windows
   * overlap (an SLO reads a day and the last five minutes of it), so each key is read once, in one
   * batch, and summed into every window that covers it.
   */
  public Map<Duration, UsageSample> windows(
      String redisUrl,
      String router,
      String region,
      Collection<Duration> windows,
      Instant now,
      Duration timeout)
      throws RegionRedisClients.Unavailable {
    long to = now.getEpochSecond();
    var keysByWindow = new LinkedHashMap<Duration, List<String>>();
    for (var window : windows) {
      keysByWindow.put(
          window, windowKeys(router, region, now.minus(window).getEpochSecond(), to, to));
    }
    var keys = keysByWindow.values().stream().flatMap(List::stream).distinct().toList();
    var replies =
        RegionRedisClients.await(
            redis
                .client(redisUrl)
                .batch(keys.stream().map(key -> Request.cmd(Command.HGETALL).arg(key)).toList()),
            timeout);
    var byKey = new HashMap<String, UsageSample>();
    for (int i = 0; i < keys.size(); i++) {
      byKey.put(keys.get(i), UsageHistory.read(fields(replies.get(i))));
    }
    var samples = new LinkedHashMap<Duration, UsageSample>();
    keysByWindow.forEach(
        (window, windowKeys) ->
            samples.put(
                window,
                windowKeys.stream().map(byKey::get).reduce(UsageSample.EMPTY, UsageSample::plus)));
    return samples;
  }

  /** Request counts per bucket for the forecast; fields past retention are trimmed on the way. */
  public RateHistory rates(
      String redisUrl, String router, String region, Instant now, Duration timeout)
      throws RegionRedisClients.Unavailable {
    Redis client = redis.client(redisUrl);
    String key = UsageHistory.rateKey(router, region);
    var counts =
        fields(
            RegionRedisClients.await(client.send(Request.cmd(Command.HGETALL).arg(key)), timeout));
    counts.keySet().removeIf(field -> !UsageHistory.isRateBucket(field));
    long current = now.getEpochSecond() / UsageHistory.RATE_BUCKET_SECONDS;
    long oldestKept =
        current - UsageHistory.RATE_RETENTION_SECONDS / UsageHistory.RATE_BUCKET_SECONDS;
    var expired =
        counts.keySet().stream().filter(field -> Long.parseLong(field) < oldestKept).toList();
    if (!expired.isEmpty()) {
      var trim = Request.cmd(Command.HDEL).arg(key);
      expired.forEach(trim::arg);
      RegionRedisClients.await(client.send(trim), timeout);
    }
    long first =
        counts.keySet().stream()
            .mapToLong(Long::parseLong)
            .filter(b -> b >= oldestKept)
            .min()
            .orElse(current);
    double[] series = new double[(int) Math.max(0, current - first)];
    for (int i = 0; i < series.length; i++) {
      String count = counts.get(Long.toString(first + i));
      series[i] = count == null ? 0 : Double.parseDouble(count);
    }
    return new RateHistory(series, (int) (now.getEpochSecond() % UsageHistory.RATE_BUCKET_SECONDS));
  }

  /**
   * Keys covering [from, to): an hour key for each hour wholly inside, slot keys for the parts of
   * hours at the edges, and the whole hour for an edge older than the slots are kept (the only
   * approximation, at the start of windows of many hours). Pure.
   */
  static List<String> windowKeys(String router, String region, long from, long to, long now) {
    var keys = new ArrayList<String>();
    long slotsKeptFrom = now - UsageHistory.SLOT_RETENTION_SECONDS + UsageHistory.SLOT_SECONDS;
    for (long hour = Math.floorDiv(from, 3600) * 3600; hour < to; hour += 3600) {
      long start = Math.max(from, hour);
      long end = Math.min(to, hour + 3600);
      if (start == hour && end == hour + 3600 || start < slotsKeptFrom) {
        keys.add(UsageHistory.hourKey(router, region, hour));
        continue;
      }
      long slot = Math.floorDiv(start, UsageHistory.SLOT_SECONDS) * UsageHistory.SLOT_SECONDS;
      for (; slot < end; slot += UsageHistory.SLOT_SECONDS) {
        keys.add(UsageHistory.slotKey(router, region, slot));
      }
    }
    return keys;
  }

  /** HGETALL's reply as a map, whether Redis answered in RESP3 (a map) or RESP2 (a flat list). */
  static Map<String, String> fields(Response reply) {
    var fields = new HashMap<String, String>();
    if (reply == null) {
      return fields;
    }
    try {
      for (String name : reply.getKeys()) {
        fields.put(name, reply.get(name).toString());
      }
    } catch (UnsupportedOperationException flat) {
      for (int i = 0; i + 1 < reply.size(); i += 2) {
        fields.put(reply.get(i).toString(), reply.get(i + 1).toString());
      }
    }
    return fields;
  }
}
