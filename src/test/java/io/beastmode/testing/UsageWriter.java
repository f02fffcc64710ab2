package io.beastmode.testing;

import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.UsageHistory;
import io.beastmode.wire.UsageSample;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.concurrent.TimeUnit;

/** Writes router usage into a region's history the way routers do ({@link UsageHistory#add}). */
public final class UsageWriter implements AutoCloseable {
  /** This writer as a router process that numbers its additions. */
  private final String process = "usage-writer:" + java.util.UUID.randomUUID();

  private final java.util.concurrent.atomic.AtomicLong additions =
      new java.util.concurrent.atomic.AtomicLong();
  private final Vertx vertx = Vertx.vertx();
  private final Redis redis;

  public UsageWriter(String redisUrl) {
    this.redis = Redis.createClient(vertx, redisUrl);
  }

  /**
   * {@code requests} requests, {@code errors} of them failed, each taking {@code latencyMillis}.
   */
  public static UsageSample served(long requests, long errors, long latencyMillis) {
    var histogram = new LatencyHistogram();
    long[] counts = histogram.counts();
    int bucket = 0;
    while (bucket < LatencyHistogram.BOUNDS_MS.length
        && latencyMillis > LatencyHistogram.BOUNDS_MS[bucket]) {
      bucket++;
    }
    counts[bucket] = requests;
    return new UsageSample(requests, errors, 0, 0, 0, counts);
  }

  public void add(String router, String region, UsageSample sample, long epochSecond) {
    try {
      redis
          .batch(
              UsageHistory.add(
                  router, region, process, additions.incrementAndGet(), sample, epochSecond))
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("writing usage to Redis", e);
    }
  }

  @Override
  public void close() {
    redis.close();
    vertx.close();
  }
}
