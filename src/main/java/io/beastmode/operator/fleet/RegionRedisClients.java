package io.beastmode.operator.fleet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One small Redis client per region's Redis URL, shared by everything the operator reads there. */
@Singleton
public class RegionRedisClients {
  private final Vertx vertx;
  private final Map<String, Redis> clients = new ConcurrentHashMap<>();

  /** Redis could not be read; what depends on it waits, nothing is changed for it. */
  public static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  public RegionRedisClients(Vertx vertx) {
    this.vertx = vertx;
  }

  public Redis client(String url) {
    return clients.computeIfAbsent(
        url,
        u ->
            Redis.createClient(
                vertx,
                new RedisOptions().setConnectionString(u).setMaxPoolSize(2).setMaxPoolWaiting(16)));
  }

  /** Waits for a reply from a region's Redis, at most {@code timeout}. */
  public static <T> T await(Future<T> reply, Duration timeout) throws Unavailable {
    try {
      return reply
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new Unavailable("Redis did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new Unavailable("Redis: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  @PreDestroy
  public void close() {
    clients.values().forEach(Redis::close);
    clients.clear();
  }
}
