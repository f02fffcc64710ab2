package io.beastmode.operator.learning;

import io.beastmode.operator.DaemonThreads;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.wire.LearnedSelectionKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Merges what the learned selection learns across regions. Each region's routers write their
 * examples (uploaded, from feedback, from failed answers) to a stream in the region's Redis; this
 * copies each region's own new entries into the stream of every other region of the router, marked
 * with the region they came from so that a copy is never copied again. The cursor of each source is
 * kept in the target's Redis and written in the same MULTI/EXEC as the copies, so an entry is
 * copied once even when the operator stops midway. A region whose Redis cannot be reached is caught
 * up when it can be: nothing is lost, only later.
 */
@Singleton
public class LearnedExamplesReplication {
  private static final Logger LOG = Logger.getLogger(LearnedExamplesReplication.class);
  static final Duration EVERY = Duration.ofSeconds(5);
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final int PAGE = 500;

  /** The newest entries looked at to find where a source that failed over goes on. */
  static final int RESUME_SCAN = 1024;

  private final RegionRedisClients redis;
  private final Map<String, Map<String, String>> routers = new ConcurrentHashMap<>();
  private ScheduledExecutorService timer;

  public LearnedExamplesReplication(RegionRedisClients redis) {
    this.redis = redis;
  }

  /**
   * Merges the router's examples across these regions (name to Redis URL) from now on, every few
   * seconds; fewer than two regions, nothing to merge.
   */
  public synchronized void watch(String router, Map<String, String> redisByRegion) {
    if (redisByRegion.size() < 2) {
      routers.remove(router);
      return;
    }
    routers.put(router, Map.copyOf(redisByRegion));
    if (timer == null) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              DaemonThreads.named("learned-examples-replication"));
      timer.scheduleWithFixedDelay(this::replicateAll, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  public void forget(String router) {
    routers.remove(router);
  }

  @PreDestroy
  public synchronized void close() {
    if (timer != null) {
      timer.shutdownNow();
      timer = null;
    }
  }

  private void replicateAll() {
    routers.forEach(
        (router, regions) -> {
          try {
            replicate(router, regions);
          } catch (RuntimeException e) {
            LOG.warnf("learned examples of %s not merged: %s", router, e.getMessage());
          }
        });
  }

  /**
   * Copies every region's own entries that another region lacks into it; returns how many entries
   * were copied. A region that cannot be reached is skipped, as a source and as a target.
   */
  public int replicate(String router, Map<String, String> redisByRegion) {
    int copied = 0;
    for (var source : redisByRegion.entrySet()) {
      for (var target : redisByRegion.entrySet()) {
        if (source.getKey().equals(target.getKey())) {
          continue;
        }
        try {
          copied += copy(router, source.getKey(), source.getValue(), target.getValue());
        } catch (RegionRedisClients.Unavailable e) {
          LOG.debugf(
              "learned examples of %s from %s to %s wait: %s",
              router, source.getKey(), target.getKey(), e.getMessage());
        }
      }
    }
    return copied;
  }

  private int copy(String router, String source, String sourceUrl, String targetUrl)
      throws RegionRedisClients.Unavailable {
    String stream = LearnedSelectionKeys.examples(router);
    String cursorKey = LearnedSelectionKeys.copiedFrom(router, source);
    Redis from = redis.client(sourceUrl);
    Redis to = redis.client(targetUrl);
    Response stored =
        RegionRedisClients.await(to.send(Request.cmd(Command.GET).arg(cursorKey)), TIMEOUT);
    String cursor = stored == null ? null : stored.toString();
    if (cursor != null && !holds(from, stream, cursor)) {
      cursor = resumePoint(from, to, stream, source);
    }
    int copied = 0;
    while (true) {
      Response page =
          RegionRedisClients.await(
              from.send(
                  Request.cmd(Command.XRANGE)
                      .arg(stream)
                      .arg(cursor == null ? "-" : "(" + cursor)
                      .arg("+")
                      .arg("COUNT")
                      .arg(PAGE)),
              TIMEOUT);
      if (page == null || page.size() == 0) {
        return copied;
      }
      var commands = new ArrayList<Request>();
      commands.add(Request.cmd(Command.MULTI));
      String last = null;
      for (Response entry : page) {
        last = entry.get(0).toString();
        List<Response> fields = fields(entry.get(1));
        if (isCopy(fields)) {
          continue; // another region's entry: its own region copies it
        }
        Request add =
            Request.cmd(Command.XADD)
                .arg(stream)
                .arg("MAXLEN")
                .arg("~")
                .arg(LearnedSelectionKeys.MAX_EXAMPLES)
                .arg("*");
        for (Response field : fields) {
          add.arg(field.toBytes());
        }
        add.arg(LearnedSelectionKeys.ORIGIN).arg(source);
        add.arg(LearnedSelectionKeys.ORIGIN_ID).arg(last);
        commands.add(add);
        copied++;
      }
      commands.add(Request.cmd(Command.SET).arg(cursorKey).arg(last));
      commands.add(Request.cmd(Command.EXEC));
      RedisConnection connection = RegionRedisClients.await(to.connect(), TIMEOUT);
      try {
        RegionRedisClients.await(connection.batch(commands), TIMEOUT);
      } finally {
        connection.close();
      }
      cursor = last;
      if (page.size() < PAGE) {
        return copied;
      }
    }
  }

  /** Whether the source's stream still has the entry the cursor names. */
  private static boolean holds(Redis from, String stream, String id)
      throws RegionRedisClients.Unavailable {
    Response entry =
        RegionRedisClients.await(
            from.send(Request.cmd(Command.XRANGE).arg(stream).arg(id).arg(id)), TIMEOUT);
    return entry != null && entry.size() > 0;
  }

  /**
   * Where to read a source on from when its stream lacks the cursor's entry: a failover to a
   * replica that lacked the last entries, whose clock may be behind (its next entries may get ids
   * below the cursor). After the newest of its entries that the target holds a copy of; from its
   * start when the target holds none of its newest.
   */
  private static String resumePoint(Redis from, Redis to, String stream, String source)
      throws RegionRedisClients.Unavailable {
    var copiedIds = new java.util.HashSet<String>();
    for (Response copy : newestFirst(to, stream, RESUME_SCAN)) {
      List<Response> fields = fields(copy.get(1));
      String id = field(fields, LearnedSelectionKeys.ORIGIN_ID);
      if (source.equals(field(fields, LearnedSelectionKeys.ORIGIN)) && id != null) {
        copiedIds.add(id);
      }
    }
    for (Response entry : newestFirst(from, stream, RESUME_SCAN)) {
      String id = entry.get(0).toString();
      if (copiedIds.contains(id)) {
        return id;
      }
    }
    return "0-0";
  }

  private static Response newestFirst(Redis redis, String stream, int count)
      throws RegionRedisClients.Unavailable {
    return RegionRedisClients.await(
        redis.send(
            Request.cmd(Command.XREVRANGE).arg(stream).arg("+").arg("-").arg("COUNT").arg(count)),
        TIMEOUT);
  }

  private static String field(List<Response> fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (name.equals(fields.get(i).toString())) {
        return fields.get(i + 1).toString();
      }
    }
    return null;
  }

  private static List<Response> fields(Response fields) {
    var flat = new ArrayList<Response>();
    for (int i = 0; i < fields.size(); i++) {
      flat.add(fields.get(i));
    }
    return flat;
  }

  private static boolean isCopy(List<Response> fields) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (LearnedSelectionKeys.ORIGIN.equals(fields.get(i).toString())) {
        return true;
      }
    }
    return false;
  }
}
