package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.testing.RedisSentinelSet;
import io.beastmode.testing.UsageWriter;
import io.beastmode.wire.UsageHistory;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router's usage history in a region whose Redis is a real Sentinel set: an addition that reaches
 * the master and its replica but whose reply is lost (the master's replies are dropped, so the
 * sentinels promote the replica) is sent again, as a router sends what it did not see taken, and
 * the operator reads it counted once.
 */
class UsageHistoryFailoverIT {
  static final String ROUTER = "shop/chat";
  static final String REGION = "east";
  static final String PROCESS = "chat-7d9f:1765000000000";

  RedisSentinelSet set;
  Vertx vertx;
  RegionRedisClients clients;
  Redis router;
  String address;

  @BeforeEach
  void start() {
    set = RedisSentinelSet.start(1, 3);
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    address = set.regionAddress();
    router = Redis.createClient(vertx, RedisAddress.options(address));
  }

  /** Stops what started; a set that failed to start stopped its own processes. */
  @AfterEach
  void stop() {
    if (set == null) {
      return;
    }
    router.close();
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    set.close();
  }

  @Test
  void anAdditionSentAgainAfterAFailoverIsCountedOnce() throws Exception {
    long second = Instant.now().getEpochSecond();
    var first = set.master();
    send(List.of(addition(1, 10, second)));

    first.proxyWithholdReplies();
    assertThatThrownBy(() -> send(List.of(addition(2, 5, second))))
        .as("the reply is lost")
        .isInstanceOf(RegionRedisClients.Unavailable.class);
    awaitNewMaster(first);
    first.proxyRestore();
    sendWhenWritable(List.of(addition(2, 5, second), addition(3, 1, second)));

    var usage = new RouterUsage(clients);
    var served =
        usage.windows(
            address,
            ROUTER,
            REGION,
            List.of(Duration.ofMinutes(5)),
            Instant.ofEpochSecond(second + 1),
            Duration.ofSeconds(2));
    assertThat(served.get(Duration.ofMinutes(5)).requests()).as("10 + 5 + 1").isEqualTo(16);
    assertThat(usage.rates(address, ROUTER, REGION, Instant.now(), Duration.ofSeconds(2)))
        .as("the rate hash's additions numbers are not buckets")
        .isNotNull();
  }

  private static List<Request> addition(long number, long requests, long second) {
    return UsageHistory.add(
        ROUTER, REGION, PROCESS, number, UsageWriter.served(requests, 0, 40), second);
  }

  private void send(List<List<Request>> additions) throws RegionRedisClients.Unavailable {
    var commands = new ArrayList<Request>();
    additions.forEach(commands::addAll);
    RegionRedisClients.await(router.batch(commands), Duration.ofSeconds(2));
  }

  private void sendWhenWritable(List<List<Request>> additions) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        send(additions);
        return;
      } catch (RegionRedisClients.Unavailable e) {
        assertThat(System.currentTimeMillis()).as("writes resumed").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private void awaitNewMaster(RedisSentinelSet.Node old) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        if (set.master() != old) {
          return;
        }
      } catch (IllegalStateException electing) {
        // ask again
      }
      assertThat(System.currentTimeMillis()).as("a new master named").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
