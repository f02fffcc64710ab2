package io.beastmode.operator.recovery.restore;

import io.beastmode.operator.fleet.RegionRedisClients;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The router state of one region's Redis that cannot be rebuilt: usage history (SLO error budgets
 * and forecasts read it), budget counters and allowances, keys' last use. Not the response cache,
 * not heartbeats. Read at one cut: the keys are found with SCAN, then every one of them is dumped
 * in one MULTI/EXEC, so the values are those of a single moment. Written back with RESTORE and each
 * key's absolute expiry, never over a key that exists: a live region's own state is newer.
 */
public final class RouterState {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * One key as DUMP gives it.
   *
   * @param expiresAt when it expires (epoch ms), or 0 for never
   */
  public record Entry(String key, byte[] payload, long expiresAt) {}

  /** What a read found, and when. */
  public record Cut(Instant at, List<Entry> entries) {}

  /** What a write did: keys restored, and keys left as they were because they exist. */
  public record Written(int restored, int kept) {}

  private final RegionRedisClients redis;
  private final Clock clock;

  public RouterState(RegionRedisClients redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** The keys matching any of {@code patterns}, dumped at one cut. */
  public Cut read(String url, List<String> patterns) throws RegionRedisClients.Unavailable {
    Redis client = redis.client(url);
    Set<String> keys = new LinkedHashSet<>();
    for (String pattern : patterns) {
      String cursor = "0";
      do {
        Response page =
            RegionRedisClients.await(
                client.send(
                    Request.cmd(Command.SCAN)
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(pattern)
                        .arg("COUNT")
                        .arg(1000)),
                TIMEOUT);
        cursor = page.get(0).toString();
        page.get(1).forEach(key -> keys.add(key.toString()));
      } while (!cursor.equals("0"));
    }
    var commands = new ArrayList<Request>();
    commands.add(Request.cmd(Command.MULTI));
    for (String key : keys) {
      commands.add(Request.cmd(Command.DUMP).arg(key));
      commands.add(Request.cmd(Command.PTTL).arg(key));
    }
    commands.add(Request.cmd(Command.EXEC));
    RedisConnection connection = RegionRedisClients.await(client.connect(), TIMEOUT);
    try {
      List<Response> replies = RegionRedisClients.await(connection.batch(commands), TIMEOUT);
      Instant at = clock.instant();
      Response exec = replies.get(replies.size() - 1);
      var entries = new ArrayList<Entry>();
      int i = 0;
      for (String key : keys) {
        Response payload = exec.get(2 * i);
        long pttl = exec.get(2 * i + 1).toLong();
        i++;
        if (payload == null || pttl == -2) {
          continue; // gone between SCAN and the cut
        }
        entries.add(new Entry(key, payload.toBytes(), pttl < 0 ? 0 : at.toEpochMilli() + pttl));
      }
      return new Cut(at, entries);
    } finally {
      connection.close();
    }
  }

  /** Restores every entry that has not expired and whose key does not exist. */
  public Written write(String url, List<Entry> entries) throws RegionRedisClients.Unavailable {
    long now = clock.millis();
    var commands = new ArrayList<Request>();
    for (Entry entry : entries) {
      if (entry.expiresAt() != 0 && entry.expiresAt() <= now) {
        continue;
      }
      Request restore =
          Request.cmd(Command.RESTORE).arg(entry.key()).arg(entry.expiresAt()).arg(entry.payload());
      commands.add(entry.expiresAt() == 0 ? restore : restore.arg("ABSTTL"));
    }
    if (commands.isEmpty()) {
      return new Written(0, 0);
    }
    // One at a time through a batch would stop at the first BUSYKEY; send each and count.
    int restored = 0;
    int kept = 0;
    Redis client = redis.client(url);
    var replies = new ArrayList<io.vertx.core.Future<Response>>();
    for (Request command : commands) {
      replies.add(client.send(command));
    }
    for (var reply : replies) {
      try {
        RegionRedisClients.await(reply, TIMEOUT);
        restored++;
      } catch (RegionRedisClients.Unavailable e) {
        if (e.getMessage() == null || !e.getMessage().contains("BUSYKEY")) {
          throw e;
        }
        kept++;
      }
    }
    return new Written(restored, kept);
  }
}
