package io.beastmode.router.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.beastmode.wire.QuotaKeys;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A region's Redis as a real Sentinel set (a master, two replicas, three sentinels) under keyed
 * traffic from three routers' ledgers and caches, with the ledger waiting for one replica: the
 * master is killed (SIGKILL), Sentinel promotes a replica, the routers follow it, and afterwards
 * every settlement the routers made is in the new master once, none of those it acknowledged is
 * missing, no settlement finds its acknowledged reservation missing, and the budget that ran out
 * was not overspent.
 */
class RedisSentinelFailoverIT {
  static final long NANO = 1_000_000_000L;
  static final double TIGHT_BUDGET_USD = 0.08;

  RedisSentinelSet set;
  Vertx vertx;
  KeyedTraffic traffic;

  @BeforeEach
  void start() {
    set = RedisSentinelSet.start(2, 3);
    vertx = Vertx.vertx();
    String address =
        "sentinel:" + RedisSentinelSet.MASTER_NAME + "@" + String.join(",", set.sentinelUrls());
    traffic =
        new KeyedTraffic(
            vertx,
            () -> RedisAddress.options(address),
            3,
            new QuotaLedger.Settings(Duration.ofMillis(500), 1, Duration.ofMillis(100)),
            TIGHT_BUDGET_USD,
            null,
            2 * NANO / 1000,
            NANO / 1000);
  }

  @AfterEach
  void stop() {
    traffic.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    set.close();
  }

  @Test
  void afterTheMasterIsKilledWritesResumeOnTheNewMasterAndNoAcknowledgedSettlementIsLost()
      throws Exception {
    var oldMaster = set.master();
    traffic.start(100);
    Thread.sleep(2000);
    long killedAt = System.currentTimeMillis();
    set.kill(oldMaster);
    awaitWriteAfter(killedAt);
    Thread.sleep(1000);
    traffic.stop();
    assertThat(traffic.drain(Duration.ofSeconds(20))).as("every kept settlement written").isTrue();

    var newMaster = set.master();
    assertThat(newMaster).isNotSameAs(oldMaster);
    Instant today = Instant.now();
    try (var redis = RedisCommands.to(newMaster.url())) {
      for (var settled : traffic.acknowledged) {
        String[] bit = KeyedTraffic.bit(settled);
        assertThat(redis.send("GETBIT", bit[0], bit[1]).toInteger())
            .as("an acknowledged settlement is in the new master")
            .isEqualTo(1);
      }
      for (String key : new String[] {KeyedTraffic.STEADY, KeyedTraffic.TIGHT}) {
        long spent = redis.number(QuotaKeys.of("team", key, false).usdOnDay(today));
        assertThat(spent)
            .as("%s: spend in Redis is the routers' own log", key)
            .isEqualTo(traffic.logged(key));
      }
      long tight = redis.number(QuotaKeys.of("team", KeyedTraffic.TIGHT, false).usdOnDay(today));
      assertThat(traffic.refusals).as("the tight budget ran out").containsKey("429 budget spent");
      assertThat(tight)
          .as("and was not overspent")
          .isLessThanOrEqualTo((long) (TIGHT_BUDGET_USD * NANO));
    }
    assertThat(traffic.droppedSettlements()).isZero();
    assertThat(traffic.reservationsNotFound())
        .as("no settlement found its acknowledged reservation missing")
        .isZero();
  }

  /** Until a ledger write sent after {@code since} succeeds (at most 30 s, then the test fails). */
  private void awaitWriteAfter(long since) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (traffic.ledgerWrites.stream().noneMatch(w -> w[0] > since && w[2] == 1)) {
      assertThat(System.currentTimeMillis()).as("writes resumed").isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
