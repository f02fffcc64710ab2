package io.beastmode.operator.fleet;

import static io.beastmode.testing.UsageWriter.served;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.testing.RedisServer;
import io.beastmode.testing.UsageWriter;
import io.beastmode.wire.UsageHistory;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What routers add to their region's Redis comes back, per window and per rate bucket, on a real
 * Redis.
 */
class RouterUsageTest {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static RedisServer redis;
  static Vertx vertx;
  static RegionRedisClients clients;
  static RouterUsage usage;
  static UsageWriter writer;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    usage = new RouterUsage(clients);
    writer = new UsageWriter(redis.url());
  }

  @AfterAll
  static void stop() {
    writer.close();
    clients.close();
    vertx.close();
    redis.close();
  }

  @Test
  void aWindowSumsWhatEveryPodServedInsideItAndNothingOutside() {
    // Mid-hour, so the last minutes come from slots and whole earlier hours from hour keys.
    Instant now = Instant.parse("2026-11-21T10:30:05Z");
    long t = now.getEpochSecond();
    writer.add("ns/a", "east", served(10, 1, 40), t - 5);
    writer.add("ns/a", "east", served(20, 0, 40), t - 3); // a second pod, same slot
    writer.add("ns/a", "east", served(100, 0, 400), t - 120);
    writer.add("ns/a", "east", served(1000, 0, 40), t - 3600); // 09:30: a whole hour earlier
    writer.add("ns/a", "west", served(7, 7, 40), t - 5); // another region

    var lastMinute = read("ns/a", "east", Duration.ofSeconds(60), now);
    assertThat(lastMinute.requests()).isEqualTo(30);
    assertThat(lastMinute.errors()).isEqualTo(1);
    assertThat(lastMinute.latencyCounts()[3]).isEqualTo(30);

    assertThat(read("ns/a", "east", Duration.ofSeconds(600), now).requests()).isEqualTo(130);
    assertThat(read("ns/a", "east", Duration.ofHours(2), now).requests()).isEqualTo(1130);
    assertThat(read("ns/a", "west", Duration.ofSeconds(60), now).errors()).isEqualTo(7);
  }

  @Test
  void overlappingWindowsReadInOneGoEachGetTheirOwnSum() throws Exception {
    Instant now = Instant.parse("2026-11-21T14:30:05Z");
    long t = now.getEpochSecond();
    writer.add("ns/d", "east", served(4, 0, 40), t - 5);
    writer.add("ns/d", "east", served(40, 0, 40), t - 1800);

    var samples =
        usage.windows(
            redis.url(),
            "ns/d",
            "east",
            List.of(Duration.ofMinutes(1), Duration.ofHours(1)),
            now,
            TIMEOUT);
    assertThat(samples.get(Duration.ofMinutes(1)).requests()).isEqualTo(4);
    assertThat(samples.get(Duration.ofHours(1)).requests()).isEqualTo(44);
  }

  @Test
  void windowKeysUseWholeHoursInsideAndSlotsAtTheEdges() {
    long now = Instant.parse("2026-11-21T10:00:30Z").getEpochSecond();
    // 07:59:30 to 10:00:30: three slots of 07:59, hours 08 and 09 whole, three slots of 10:00.
    var keys = RouterUsage.windowKeys("ns/a", "east", now - 7260, now, now);

    assertThat(keys)
        .contains(
            UsageHistory.hourKey("ns/a", "east", now - 7200),
            UsageHistory.hourKey("ns/a", "east", now - 3600));
    assertThat(keys).hasSize(3 + 2 + 3);
    // An edge older than the slots are kept is read from its hour.
    long old = now - 10 * 3600 - 1800;
    assertThat(RouterUsage.windowKeys("ns/a", "east", old, now, now))
        .contains(UsageHistory.hourKey("ns/a", "east", old));
  }

  @Test
  void ratesComeBackAsCompletedBucketsFromTheFirstWithData() throws Exception {
    Instant now = Instant.parse("2026-11-21T12:02:00Z");
    long t = now.getEpochSecond();
    writer.add("ns/b", "east", served(300, 0, 40), t - 3 * 300);
    writer.add("ns/b", "east", served(600, 0, 40), t - 300);
    writer.add("ns/b", "east", served(50, 0, 40), t); // the current bucket, not complete yet

    var rates = usage.rates(redis.url(), "ns/b", "east", now, TIMEOUT);
    assertThat(rates.requestsPerBucket()).containsExactly(300, 0, 600);
    assertThat(rates.secondsIntoBucket()).isEqualTo(120);
  }

  @Test
  void bucketsPastRetentionAreTrimmed() throws Exception {
    Instant now = Instant.parse("2026-11-21T12:00:00Z");
    long t = now.getEpochSecond();
    writer.add("ns/c", "east", served(5, 0, 40), t - UsageHistory.RATE_RETENTION_SECONDS - 600);
    writer.add("ns/c", "east", served(9, 0, 40), t - 600);

    var rates = usage.rates(redis.url(), "ns/c", "east", now, TIMEOUT);
    assertThat(rates.requestsPerBucket()).containsExactly(9, 0);
    assertThat(usage.rates(redis.url(), "ns/c", "east", now, TIMEOUT).requestsPerBucket())
        .hasSize(2);
  }

  private static io.beastmode.wire.UsageSample read(
      String router, String region, Duration window, Instant now) {
    try {
      return usage.windows(redis.url(), router, region, List.of(window), now, TIMEOUT).get(window);
    } catch (RegionRedisClients.Unavailable e) {
      throw new AssertionError(e);
    }
  }
}
