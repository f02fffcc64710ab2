package io.beastmode.router;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.beastmode.router.access.KeyUseTracker;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.KeyUse;
import io.beastmode.wire.UsageHistory;
import io.beastmode.wire.UsageSample;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Writes this pod's heartbeat to Redis every second, with a TTL so a dead pod's entry expires, and
 * adds what the pod served since the last one to its region's {@link UsageHistory} and when it last
 * saw each API key ({@link KeyUse}).
 */
final class HeartbeatPublisher {
  private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

  /** Additions kept while Redis is away: ten minutes of heartbeats. */
  private static final int MOST_UNTAKEN = 600;

  private final Vertx vertx;
  private final Redis redis;
  private final RouterMetrics metrics;
  private final KeyUseTracker keyUse;
  private final Supplier<RoutingTable> table;
  private final String pod;
  private final long startedAt = System.currentTimeMillis();
  private long timer = -1;
  private boolean failing;

  /** Totals already given to an addition to the history. */
  private UsageSample recorded = UsageSample.EMPTY;

  /**
   * The additions to the history not yet seen taken, oldest first, each sent again with the next
   * heartbeat under its own number: Redis takes each once ({@link UsageHistory#add}).
   */
  private final ArrayDeque<List<Request>> untaken = new ArrayDeque<>();

  private long additions;

  HeartbeatPublisher(
      Vertx vertx,
      Redis redis,
      RouterMetrics metrics,
      KeyUseTracker keyUse,
      Supplier<RoutingTable> table,
      String pod) {
    this.vertx = vertx;
    this.redis = redis;
    this.metrics = metrics;
    this.keyUse = keyUse;
    this.table = table;
    this.pod = pod;
  }

  void start(long periodMillis) {
    timer = vertx.setPeriodic(periodMillis, id -> publish());
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  private void publish() {
    Heartbeat beat = metrics.heartbeat(table.get(), pod, startedAt, System.currentTimeMillis());
    byte[] json;
    try {
      json = CompletionRequest.json().writeValueAsBytes(beat);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    var commands = new ArrayList<>(Heartbeat.writes(beat, pod, json));
    var totals = UsageSample.of(beat);
    var delta = totals.minus(recorded);
    List<List<Request>> sending;
    synchronized (untaken) {
      if (!delta.isEmpty()) {
        untaken.add(
            UsageHistory.add(
                beat.router(),
                beat.region(),
                pod + ":" + startedAt,
                ++additions,
                delta,
                beat.time() / 1000));
        recorded = totals;
        if (untaken.size() > MOST_UNTAKEN) {
          untaken.removeFirst(); // Redis away for long: the oldest second is left out
        }
      }
      sending = List.copyOf(untaken);
    }
    sending.forEach(commands::addAll);
    var used = keyUse.drain();
    if (!used.isEmpty()) {
      var lastUsed = Request.cmd(Command.HSET).arg(KeyUse.KEY);
      used.forEach((key, at) -> lastUsed.arg(key).arg(at));
      commands.add(lastUsed);
    }
    redis
        .batch(commands)
        .onFailure(error -> keyUse.restore(used))
        .onSuccess(
            ok -> {
              synchronized (untaken) {
                untaken.removeAll(sending);
              }
              if (failing) {
                LOG.info("heartbeats reach Redis again");
                failing = false;
              }
            })
        .onFailure(
            error -> {
              if (!failing) {
                LOG.warnf(
                    "heartbeat not written to Redis (routing goes on): %s", error.getMessage());
                failing = true;
              }
            });
  }
}
