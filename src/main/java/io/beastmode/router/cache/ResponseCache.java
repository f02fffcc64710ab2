package io.beastmode.router.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Answers kept in the region's Redis, the most recent also in this process ({@link LocalAnswers}),
 * so a repeated question is answered without a round trip. Redis is an accelerator, never a
 * dependency: a lookup that fails or takes longer than the timeout is a miss, and after a failure
 * the cache is skipped for a short pause instead of making every request wait on a dead server. The
 * connection a lookup failed on is dropped; the next one opens another once Redis is back.
 */
public final class ResponseCache {
  private static final Logger LOG = Logger.getLogger(ResponseCache.class);

  private final Vertx vertx;
  private final Supplier<PipelinedRedis> redis;
  private final long timeoutMillis;
  private final long pauseMillis;
  private final AtomicLong unavailableUntil = new AtomicLong();
  private final Runnable onError;
  private final LocalAnswers local;

  /**
   * {@code redis} gives the client to use on the calling thread (one per event loop keeps a
   * lookup's round trip on the request's own loop); {@code localBytes}: memory for answers kept in
   * this process.
   */
  public ResponseCache(
      Vertx vertx,
      Supplier<PipelinedRedis> redis,
      Duration timeout,
      Duration pauseAfterError,
      long localBytes,
      Runnable onError) {
    this.vertx = vertx;
    this.redis = redis;
    this.timeoutMillis = timeout.toMillis();
    this.pauseMillis = pauseAfterError.toMillis();
    this.onError = onError;
    this.local = new LocalAnswers(localBytes, System::currentTimeMillis);
  }

  /** False during the pause after a failure; requests then bypass the cache. */
  public boolean available() {
    return System.currentTimeMillis() >= unavailableUntil.get();
  }

  /** The stored answer, null on a miss; fails when Redis did not answer in time. */
  public Future<CachedAnswer> get(String key) {
    CachedAnswer kept = local.get(key);
    if (kept != null) {
      return Future.succeededFuture(kept);
    }
    PipelinedRedis connection = redis.get();
    return withTimeout(connection.send(Request.cmd(Command.GET).arg(key)))
        .map(
            response -> {
              CachedAnswer stored =
                  response == null ? null : CachedAnswer.decode(response.toBuffer());
              if (stored != null) {
                local.put(key, stored);
              }
              return stored;
            })
        .onFailure(error -> failed(connection, error));
  }

  /** Stores an answer for ttl seconds; a failure is counted and otherwise ignored. */
  public void put(String key, CachedAnswer answer, int ttlSeconds) {
    if (!available()) {
      return;
    }
    CachedAnswer stored = answer.expiringAt(System.currentTimeMillis() + ttlSeconds * 1000L);
    PipelinedRedis connection = redis.get();
    withTimeout(
            connection.send(
                Request.cmd(Command.SET).arg(key).arg(stored.encode()).arg("EX").arg(ttlSeconds)))
        .onSuccess(ok -> local.put(key, stored))
        .onFailure(error -> failed(connection, error));
  }

  private <T> Future<T> withTimeout(Future<T> call) {
    return Deadline.within(vertx, call, timeoutMillis, "redis did not answer");
  }

  private void failed(PipelinedRedis connection, Throwable error) {
    connection.reset();
    long now = System.currentTimeMillis();
    if (unavailableUntil.getAndSet(now + pauseMillis) <= now) {
      LOG.warnf(
          "response cache unavailable, serving without it for %d ms: %s",
          pauseMillis, error.getMessage());
    }
    onError.run();
  }
}
