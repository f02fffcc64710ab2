package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.beastmode.wire.QuotaKeys;
import io.beastmode.wire.QuotaKeys.Budget;
import io.vertx.core.Vertx;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator's allowance writes to a region whose Redis is a real Sentinel set: a raise that
 * reaches the master and its replica but whose reply is lost (the master's replies are dropped, so
 * the sentinels also hear nothing and promote the replica) is sent again to the new master, and the
 * allowance is raised once, not twice.
 */
class AllowanceFailoverIT {
  static final long NANO = 1_000_000_000L;
  static final long EVEN_SHARE = NANO / 2;
  static final long RAISED = EVEN_SHARE + NANO / 10;

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

  /** Stops what started; a set that failed to start stopped its own processes. */
  @AfterEach
  void stop() {
    if (set == null) {
      return;
    }
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    set.close();
  }

  @Test
  void aRaiseSentAgainAfterAFailoverIsMadeOnce() throws Exception {
    var allowances = new RegionalAllowances(clients);
    var key = RegionalAllowancesIT.key();
    var now = Instant.now();
    var first = set.master();
    // A raise by nothing; afterwards Redis knows the script, so the raise below is one call.
    assertThat(allowances.raise(key, Budget.USD_PER_DAY, 2, address, EVEN_SHARE, EVEN_SHARE, now))
        .isEqualTo(EVEN_SHARE);

    first.proxyWithholdReplies();
    assertThatThrownBy(
            () -> allowances.raise(key, Budget.USD_PER_DAY, 2, address, EVEN_SHARE, RAISED, now))
        .as("the reply is lost")
        .isInstanceOf(RegionRedisClients.Unavailable.class);
    var second = awaitNewMaster(first);
    first.proxyRestore();

    assertThat(raiseOnceWritesResume(allowances, key, now)).isEqualTo(RAISED);
    String hash = QuotaKeys.of("team", "team/shared", false).allowances(Budget.USD_PER_DAY, now);
    try (var redis = RedisCommands.to(second.url())) {
      assertThat(redis.number(hash, "usd")).as("raised once").isEqualTo(RAISED);
    }
  }

  /** Until the sentinels name another master (at most 30 s, then the test fails). */
  private RedisSentinelSet.Node awaitNewMaster(RedisSentinelSet.Node old)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        var now = set.master();
        if (now != old) {
          return now;
        }
      } catch (IllegalStateException e) {
        // the sentinels are electing one
      }
      assertThat(System.currentTimeMillis()).as("a new master named").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** The raise sent again until the client reaches the new master (at most 30 s). */
  private long raiseOnceWritesResume(RegionalAllowances allowances, ApiKey key, Instant now)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        return allowances.raise(key, Budget.USD_PER_DAY, 2, address, EVEN_SHARE, RAISED, now);
      } catch (RegionRedisClients.Unavailable e) {
        assertThat(System.currentTimeMillis()).as("writes resumed").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }
}
