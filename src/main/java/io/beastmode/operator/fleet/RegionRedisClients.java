package io.beastmode.operator.fleet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One small Redis client per region's Redis address (URL or Sentinel set), shared by everything the
 * operator reads there.
 */
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

  /** The client of a region's Redis at {@code address} ({@link RedisAddress}). */
  public Redis client(String address) {
    return clients.computeIfAbsent(
        address,
        a ->
            Redis.createClient(
                vertx, RedisAddress.options(a).setMaxPoolSize(2).setMaxPoolWaiting(16)));
  }

  /**
   * The master (host:port) the sentinels of a Sentinel {@code address} name now, asked of each in
   * turn until one answers.
   */
  public String sentinelMaster(String address, Duration timeout) throws Unavailable {
    String failure = "no sentinel";
    for (String sentinel : RedisAddress.sentinels(address)) {
      try {
        Response named =
            await(
                client(sentinel)
                    .send(
                        Request.cmd(Command.SENTINEL)
                            .arg("GET-MASTER-ADDR-BY-NAME")
                            .arg(RedisAddress.masterName(address))),
                timeout);
        if (named != null && named.size() == 2) {
          return named.get(0) + ":" + named.get(1);
        }
        failure = "sentinel " + RedisAddress.hostOf(sentinel) + " knows no such master";
      } catch (Unavailable e) {
        failure = "sentinel " + RedisAddress.hostOf(sentinel) + ": " + e.getMessage();
      }
    }
    throw new Unavailable(failure);
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
