package io.beastmode.operator.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.KeyBudget;
import io.beastmode.api.v1alpha1.KeyRegionUsage;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.router.access.Caller;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.Ports;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.QuotaKeys.Budget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 1 USD/day budget shared by two regions, each with its own redis-server: the routers' ledgers
 * spend in each, the operator's split moves allowance between them, and the two together never
 * spend past the budget, also while one region is cut off.
 */
class RegionalAllowancesIT {
  static final long NANO = 1_000_000_000L;
  static final long REQUEST = 30_000_000L;
  static final Caller CALLER =
      new Caller(
          "team/shared",
          "team",
          Set.of(),
          new AccessConfig.Quota(null, null, 1.0, null, null, false, 2));

  static Vertx vertx;
  static RegionRedisClients clients;
  static RedisServer eastRedis;
  static RedisServer westRedis;
  static PipelinedRedis east;
  static PipelinedRedis west;
  static List<Region> regions;
  static RegionalAllowances allowances;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    eastRedis = RedisServer.start();
    westRedis = RedisServer.start();
    east = new PipelinedRedis(Redis.createClient(vertx, eastRedis.url()), true);
    west = new PipelinedRedis(Redis.createClient(vertx, westRedis.url()), true);
    regions = List.of(region("east", eastRedis.url()), region("west", westRedis.url()));
    allowances = new RegionalAllowances(clients);
  }

  @AfterAll
  static void stop() {
    east.close();
    west.close();
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    eastRedis.close();
    westRedis.close();
  }

  @BeforeEach
  void flush() {
    for (var redis : List.of(east, west)) {
      await(List.of(redis.send(Request.cmd(Command.FLUSHALL))));
    }
  }

  @Test
  void eachRegionStartsFromAnEvenShareAndUnusedAllowanceMovesToWhereItIsSpent() {
    assertThat(spendUntilRefused(east)).as("0.50 / 0.03 whole requests").isEqualTo(16);

    var inForce = allowances.rebalance(key(), regions, usage(Map.of()), Instant.now());

    long eastAllowance = inForce.get("east").get(Budget.USD_PER_DAY);
    long westAllowance = inForce.get("west").get(Budget.USD_PER_DAY);
    assertThat(eastAllowance + westAllowance).isLessThanOrEqualTo(NANO);
    // West spent nothing: it keeps a tenth of what is left; the rest went east.
    assertThat(westAllowance).isEqualTo((NANO - 16 * REQUEST) / 10);
    int more = spendUntilRefused(east);
    assertThat(more).isEqualTo((int) ((eastAllowance - 16 * REQUEST) / REQUEST));
    assertThat(spent(east) + spent(west)).isLessThanOrEqualTo(NANO);
  }

  @Test
  void spendInBothRegionsWhileAllowancesMoveNeverPassesTheBudget() {
    var usage = usage(Map.of());
    for (int round = 0; round < 6; round++) {
      // Both regions spend concurrently while the split runs; west is the busier one.
      var eastSpend = spendConcurrently(east, 4);
      var westSpend = spendConcurrently(west, 12);
      var inForce = allowances.rebalance(key(), regions, usage, Instant.now());
      await(eastSpend);
      await(westSpend);
      assertThat(inForce.values().stream().mapToLong(a -> a.get(Budget.USD_PER_DAY)).sum())
          .isLessThanOrEqualTo(NANO);
      usage = usage(inForce);
    }
    assertThat(spent(east) + spent(west)).isLessThanOrEqualTo(NANO);
    assertThat(spent(west)).as("west, the busier, got the larger part").isGreaterThan(spent(east));
    assertThat(NANO - spent(east) - spent(west))
        .as("nearly all of the budget could be spent")
        .isLessThan(3 * REQUEST);
  }

  @Test
  void aRegionCutOffFromTheOperatorKeepsItsAllowanceAndNothingIsGivenTwice() {
    for (int i = 0; i < 10; i++) {
      spendOnce(east);
    }
    var inForce = allowances.rebalance(key(), regions, usage(Map.of()), Instant.now());
    // West spent nothing: it keeps a tenth of what is left, east the rest.
    assertThat(inForce.get("west").get(Budget.USD_PER_DAY)).isEqualTo(70_000_000L);
    assertThat(inForce.get("east").get(Budget.USD_PER_DAY)).isEqualTo(930_000_000L);

    // The operator loses west's Redis; west's routers do not, and spend on their own.
    var cutOff = List.of(regions.get(0), region("west", "redis://127.0.0.1:" + Ports.free()));
    assertThat(spendUntilRefused(west)).as("0.07 / 0.03").isEqualTo(2);
    var during = allowances.rebalance(key(), cutOff, usage(inForce), Instant.now());

    assertThat(during.get("west").get(Budget.USD_PER_DAY)).as("last known").isEqualTo(70_000_000L);
    assertThat(during.get("east").get(Budget.USD_PER_DAY)).isEqualTo(930_000_000L);
    assertThat(spendUntilRefused(east)).as("(0.93 - 0.30) / 0.03").isEqualTo(21);
    assertThat(spent(east) + spent(west)).isLessThanOrEqualTo(NANO);
  }

  @Test
  void aLoweringStopsAtWhatTheRegionHasSpentAndHolds() {
    // What the split sends when the region spent more between its read and its move.
    for (int i = 0; i < 3; i++) {
      spendOnce(west);
    }
    var ledger = new QuotaLedger(() -> west, Clock.systemUTC());
    assertThat(await(List.of(ledger.reserve(CALLER, 100, REQUEST))).get(0).refusal()).isNull();
    var keys = io.beastmode.wire.QuotaKeys.of("team", "team/shared", false);
    var now = Instant.now();
    var script = io.beastmode.wire.RedisScript.load("allowance.lua");
    var lower = Request.cmd(Command.EVAL);
    script
        .arguments(
            true,
            List.of(
                keys.allowances(Budget.USD_PER_DAY, now),
                keys.spent(Budget.USD_PER_DAY, now),
                keys.held()),
            List.of("usd", Long.toString(NANO / 2), "set", "0", "60000"))
        .forEach(lower::arg);

    var reply = await(List.of(west.send(lower))).get(0);

    assertThat(reply.get(0).toLong()).as("in force").isEqualTo(4 * REQUEST);
    assertThat(spendOnce(west)).isFalse();
  }

  private static int spendUntilRefused(PipelinedRedis region) {
    int admitted = 0;
    while (spendOnce(region)) {
      admitted++;
    }
    return admitted;
  }

  /** One request of 0.03 USD through a router of the region; false when refused. */
  private static boolean spendOnce(PipelinedRedis region) {
    var ledger = new QuotaLedger(() -> region, Clock.systemUTC());
    var outcome = await(List.of(ledger.reserve(CALLER, 100, REQUEST))).get(0);
    if (outcome.refusal() != null) {
      return false;
    }
    await(List.of(ledger.settle(outcome.reservation(), 100, REQUEST)));
    return true;
  }

  private static List<Future<Object>> spendConcurrently(PipelinedRedis region, int requests) {
    var ledger = new QuotaLedger(() -> region, Clock.systemUTC());
    var spending = new ArrayList<Future<Object>>();
    for (int i = 0; i < requests; i++) {
      spending.add(
          ledger
              .reserve(CALLER, 100, REQUEST)
              .compose(
                  outcome ->
                      outcome.refusal() != null
                          ? Future.succeededFuture()
                          : ledger.settle(outcome.reservation(), 100, REQUEST).map(r -> r)));
    }
    return spending;
  }

  private static long spent(PipelinedRedis region) {
    var keys = io.beastmode.wire.QuotaKeys.of("team", "team/shared", false);
    var reply =
        await(List.of(region.send(Request.cmd(Command.GET).arg(keys.usdOnDay(Instant.now())))));
    return reply.get(0) == null ? 0 : reply.get(0).toLong();
  }

  /** What the key's status would show after a split: spend and allowances per region. */
  private static List<KeyRegionUsage> usage(Map<String, Map<Budget, Long>> inForce) {
    var usage = new ArrayList<KeyRegionUsage>();
    inForce.forEach(
        (region, allowance) -> {
          var entry =
              new KeyRegionUsage(
                  region, spent(region.equals("east") ? east : west) / 1e9, null, null, null);
          entry.usdTodayAllowance = allowance.get(Budget.USD_PER_DAY) / 1e9;
          usage.add(entry);
        });
    return usage;
  }

  /** team/shared: one USD a day, for router chat; the other allowance ITs use it too. */
  static ApiKey key() {
    var key = new ApiKey();
    key.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withNamespace("team")
            .withName("shared")
            .build());
    key.setSpec(new ApiKeySpec());
    key.getSpec().tenant = "team";
    key.getSpec().routers = List.of(new NamedReference("chat"));
    key.getSpec().budget = new KeyBudget();
    key.getSpec().budget.usdPerDay = 1.0;
    return key;
  }

  private static Region region(String name, String redisUrl) {
    var region = Fixtures.region(name, 1);
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = redisUrl;
    return region;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> await(List<? extends Future<? extends T>> futures) {
    return futures.stream()
        .map(
            f -> {
              try {
                return (T) f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
