package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's clients of a Region whose Redis is a real Sentinel set: they name the master the
 * sentinels name, and after the master is killed they name the new one and write to it.
 */
class RegionRedisSentinelIT {
  RedisSentinelSet set;
  Vertx vertx;
  RegionRedisClients clients;
  String address;

  @BeforeEach
  void start() {
    set = RedisSentinelSet.start(1, 3);
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    address = set.regionAddress();
  }

  @AfterEach
  void stop() {
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    set.close();
  }

  @Test
  void afterAFailoverTheOperatorNamesTheNewMasterAndWritesThere() throws Exception {
    var first = set.master();
    assertThat(clients.sentinelMaster(address, Duration.ofSeconds(2)))
        .isEqualTo("127.0.0.1:" + first.announcedPort());
    write("before");

    set.kill(first);
    String now = awaitNewMaster("127.0.0.1:" + first.announcedPort());
    var second = set.master();
    assertThat(now).isEqualTo("127.0.0.1:" + second.announcedPort());

    awaitWritten("after");
    try (var redis = RedisCommands.to(second.url())) {
      assertThat(redis.send("GET", "beastmode:test:after").toString()).isEqualTo("after");
      assertThat(redis.send("GET", "beastmode:test:before").toString()).isEqualTo("before");
    }
  }

  private void write(String value) throws RegionRedisClients.Unavailable {
    RegionRedisClients.await(
        clients
            .client(address)
            .send(Request.cmd(Command.SET).arg("beastmode:test:" + value).arg(value)),
        Duration.ofSeconds(2));
    RegionRedisClients.await(
        clients.client(address).send(Request.cmd(Command.WAIT).arg(1).arg(1000)),
        Duration.ofSeconds(2));
  }

  /** Until the sentinels name another master (at most 30 s, then the test fails). */
  private String awaitNewMaster(String old) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        String named = clients.sentinelMaster(address, Duration.ofSeconds(1));
        if (!named.equals(old)) {
          return named;
        }
      } catch (RegionRedisClients.Unavailable e) {
        // a sentinel busy failing over: ask again
      }
      assertThat(System.currentTimeMillis()).as("a new master named").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Until a write through the operator's client succeeds (the client follows the failover). */
  private void awaitWritten(String value) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        RegionRedisClients.await(
            clients
                .client(address)
                .send(Request.cmd(Command.SET).arg("beastmode:test:" + value).arg(value)),
            Duration.ofSeconds(1));
        return;
      } catch (RegionRedisClients.Unavailable e) {
        assertThat(System.currentTimeMillis()).as("writes resumed").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }
}
