package io.beastmode.operator.fleet;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.wire.Heartbeat;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the heartbeats routers publish to their region's Redis. Freshness comes from the key's
 * remaining TTL, which Redis measures itself, so clock skew between hub and routers does not
 * matter.
 */
@Singleton
public class RouterHeartbeats {
  /** A heartbeat written longer ago than this is stale: routers write one every second. */
  public static final long FRESH_MILLIS = 3_000;

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final RegionRedisClients redis;

  /** A heartbeat and how long ago it was written. */
  public record Observed(Heartbeat beat, long ageMillis) {
    public boolean fresh() {
      return ageMillis <= FRESH_MILLIS;
    }
  }

  public RouterHeartbeats(RegionRedisClients redis) {
    this.redis = redis;
  }

  /**
   * Heartbeats in {@code redisUrl} of one region, from every router ({@code router} null) or one
   * ({@code namespace/name}).
   */
  public List<Observed> read(String redisUrl, String router, String region, Duration timeout)
      throws RegionRedisClients.Unavailable {
    return RegionRedisClients.await(fetch(redis.client(redisUrl), router, region), timeout);
  }

  /**
   * Reads the keys the region's index lists; only where it is empty (routers from before the index)
   * does it scan, which walks the whole keyspace, response cache included.
   */
  private Future<List<Observed>> fetch(Redis redis, String router, String region) {
    String index = Heartbeat.index(region);
    return redis
        .send(Request.cmd(Command.SMEMBERS).arg(index))
        .compose(
            members -> {
              if (members == null || members.size() == 0) {
                String pattern =
                    (router == null
                            ? "beastmode:heartbeat:*:" + region + ":"
                            : Heartbeat.prefix(router, region))
                        + "*";
                return scan(redis, pattern, "0", new ArrayList<>())
                    .compose(keys -> beats(redis, keys, null));
              }
              String prefix = router == null ? "" : Heartbeat.prefix(router, region);
              var keys = new ArrayList<String>();
              for (Response member : members) {
                String key = member.toString();
                if (key.startsWith(prefix)) {
                  keys.add(key);
                }
              }
              return beats(redis, keys, index);
            });
  }

  /** The heartbeats at {@code keys}; those expired are taken out of {@code index} (null: none). */
  private static Future<List<Observed>> beats(Redis redis, List<String> keys, String index) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    var requests = new ArrayList<Request>();
    for (String key : keys) {
      requests.add(Request.cmd(Command.GET).arg(key));
      requests.add(Request.cmd(Command.PTTL).arg(key));
    }
    return redis
        .batch(requests)
        .map(
            replies -> {
              var expired = new ArrayList<String>();
              var observed = decode(keys, replies, expired);
              if (index != null && !expired.isEmpty()) {
                var forget = Request.cmd(Command.SREM).arg(index);
                expired.forEach(forget::arg);
                redis.send(forget); // best effort: the next read finds them expired again
              }
              return observed;
            });
  }

  private Future<List<String>> scan(Redis redis, String pattern, String cursor, List<String> keys) {
    return redis
        .send(
            Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000))
        .compose(
            reply -> {
              reply.get(1).forEach(key -> keys.add(key.toString()));
              String next = reply.get(0).toString();
              return "0".equals(next)
                  ? Future.succeededFuture(keys)
                  : scan(redis, pattern, next, keys);
            });
  }

  private static List<Observed> decode(
      List<String> keys, List<Response> replies, List<String> expired) {
    var observed = new ArrayList<Observed>();
    for (int i = 0; i < keys.size(); i++) {
      Response value = replies.get(2 * i);
      Response ttl = replies.get(2 * i + 1);
      if (value == null || ttl == null || ttl.toLong() < 0) {
        expired.add(keys.get(i));
        continue;
      }
      try {
        var beat = JSON.readValue(value.toBytes(), Heartbeat.class);
        observed.add(new Observed(beat, Heartbeat.TTL_SECONDS * 1000L - ttl.toLong()));
      } catch (IOException e) {
        // A key in our namespace that is not a heartbeat is not ours to judge; skip it.
      }
    }
    return observed;
  }
}
