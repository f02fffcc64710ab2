package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.KeyRegionUsage;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.learning.LearnedExamplesReplication;
import io.beastmode.router.access.Caller;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.LearnedSelectionKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every multi-key script and transaction the routers and the operator run keeps its keys in one
 * hash slot, so a region's Redis can become a Redis Cluster. They run here against one-node
 * clusters, where Redis refuses (CROSSSLOT) a script or transaction that spans slots: a new script
 * or transaction that does fails this test. (A backup's cut of every key, RouterState, spans slots
 * by design and reads one server.)
 */
class RedisHashSlotsIT {
  static final long NANO = 1_000_000_000L;
  static RedisServer east;
  static RedisServer west;
  static Vertx vertx;
  static PipelinedRedis router;
  static RegionRedisClients clients;

  @BeforeAll
  static void start() {
    east = RedisServer.startCluster();
    west = RedisServer.startCluster();
    vertx = Vertx.vertx();
    router = new PipelinedRedis(Redis.createClient(vertx, east.url()), true);
    clients = new RegionRedisClients(vertx);
  }

  @AfterAll
  static void stop() {
    router.close();
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    east.close();
    west.close();
  }

  @Test
  void theLedgersScriptsKeepEachRequestsKeysInOneSlot() {
    var ledger = new QuotaLedger(() -> router, Clock.systemUTC());
    for (boolean tenantBudget : new boolean[] {false, true}) {
      var caller =
          new Caller(
              "team/slots-" + tenantBudget,
              "team",
              Set.of(),
              new AccessConfig.Quota(60, 100_000, 1.0, 10.0, 1_000_000L, tenantBudget, 2));
      var outcome = await(ledger.reserve(caller, 100, NANO / 100));
      assertThat(outcome.refusal()).isNull();
      await(ledger.settle(outcome.reservation(), 80, NANO / 200));
    }
  }

  @Test
  void theOperatorsAllowanceScriptKeepsItsKeysInOneSlot() throws Exception {
    var regions = List.of(region("east", east.url()), region("west", west.url()));
    Instant now = Instant.now();
    // East spends, so the split moves allowance from west to east.
    var ledger = new QuotaLedger(() -> router, Clock.systemUTC());
    var caller =
        new Caller(
            "team/shared",
            "team",
            Set.of(),
            new AccessConfig.Quota(null, null, 1.0, null, null, false, 2));
    for (int i = 0; i < 10; i++) {
      await(
          ledger.settle(
              await(ledger.reserve(caller, 100, 3 * NANO / 100)).reservation(),
              100,
              3 * NANO / 100));
    }
    new RegionalAllowances(clients)
        .rebalance(RegionalAllowancesIT.key(), regions, List.of(usage()), now);
    // The script wrote each region's allowance (a refused one is logged and skipped).
    String allowances =
        io.beastmode.wire.QuotaKeys.of("team", "team/shared", false)
            .allowances(io.beastmode.wire.QuotaKeys.Budget.USD_PER_DAY, now);
    for (RedisServer region : List.of(east, west)) {
      try (var redis = RedisCommands.to(region.url())) {
        assertThat(redis.send("HGET", allowances, "usd")).as(region.url()).isNotNull();
      }
    }
  }

  @Test
  void copyingLearnedExamplesMovesTheCursorInTheSameSlot() throws Exception {
    String router = "team/chat";
    try (var redis = RedisCommands.to(east.url())) {
      redis.send(
          "XADD",
          LearnedSelectionKeys.examples(router),
          "*",
          LearnedSelectionKeys.CHARS,
          "42",
          LearnedSelectionKeys.SOURCE,
          "csv");
    }
    var replication = new LearnedExamplesReplication(clients);
    try {
      assertThat(replication.replicate(router, Map.of("east", east.url(), "west", west.url())))
          .isEqualTo(1);
    } finally {
      replication.close();
    }
  }

  @Test
  void theUsageHistoryScriptNamesOneKeyPerCall() {
    long now = Instant.now().getEpochSecond();
    var served = io.beastmode.testing.UsageWriter.served(3, 0, 40);
    for (var add :
        io.beastmode.wire.UsageHistory.add("team/chat", "east", "pod:1", 1, served, now)) {
      assertThat(await(router.send(add)).toInteger()).as("taken").isEqualTo(1);
    }
  }

  private static KeyRegionUsage usage() {
    return new KeyRegionUsage("east", 0.0, null, null, null);
  }

  private static Region region(String name, String redisUrl) {
    var region = Fixtures.region(name, 1);
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = redisUrl;
    return region;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
