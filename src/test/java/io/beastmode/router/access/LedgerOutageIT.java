package io.beastmode.router.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.QuotaKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger when its Redis is away, against a real redis-server stopped and started again on the
 * same port: budgets fail closed or spend no more than the local allowance, and every settlement
 * made meanwhile reaches the ledger once.
 */
class LedgerOutageIT {
  static final long NANO = 1_000_000_000L;
  static final Instant NOW = Instant.parse("2026-11-27T10:00:05Z");
  static RedisServer redis;
  static Vertx vertx;
  PipelinedRedis connection;
  QuotaLedger ledger;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    redis.close();
  }

  @BeforeEach
  void connect() throws Exception {
    redis.startAgain();
    try (var commands = RedisCommands.to(redis.url())) {
      commands.send("FLUSHALL");
    }
    connection = new PipelinedRedis(Redis.createClient(vertx, redis.url()), true);
    ledger =
        new QuotaLedger(
            () -> connection,
            Clock.fixed(NOW, ZoneOffset.UTC),
            vertx,
            new QuotaLedger.Settings(Duration.ofSeconds(2), 0, Duration.ZERO),
            new UnwrittenSettlements(1000));
  }

  @AfterEach
  void close() {
    connection.close();
    redis.startAgain();
  }

  @Test
  void aBudgetedRequestIsRefusedWhileTheLedgerIsAwayAndOneWithOnlyRateLimitsGoesOn() {
    var budgeted = caller("team/a", quota(1.0, null));
    var rateLimited =
        caller("team/b", new AccessConfig.Quota(60, null, null, null, null, false, null));
    redis.stop();

    var refused = await(ledger.reserve(budgeted, 100, NANO / 100));
    assertThat(refused.ledgerUnreachable()).isTrue();
    assertThat(refused.refusal().status()).isEqualTo(429);
    assertThat(refused.refusal().retryAfterSeconds()).isPositive();
    assertThat(new String(refused.refusal().body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"ledger_unreachable\"");
    // Rate limits alone are a minute's: such a request goes on unchecked, as without a cache.
    assertThat(failure(ledger.reserve(rateLimited, 100, 0))).isNotNull();
  }

  @Test
  void theLocalAllowanceAdmitsUpToItsAmountAndTheLedgerLearnsEachSettlementOnceWhenRedisReturns()
      throws Exception {
    // 0.05 USD of local allowance, each request estimated at 0.01 USD, really costing 0.008.
    var caller = caller("team/c", quota(1.0, 0.05));
    long estimate = NANO / 100;
    long real = 8 * NANO / 1000;
    redis.stop();

    var admitted = new ArrayList<QuotaLedger.Reservation>();
    for (int i = 0; i < 7; i++) {
      var outcome = await(ledger.reserve(caller, 100, estimate));
      if (outcome.refusal() == null) {
        admitted.add(outcome.reservation());
      }
    }
    assertThat(admitted).as("0.05 / 0.01").hasSize(5);
    for (var reservation : admitted) {
      assertThat(failure(ledger.settle(reservation, 90, real))).isNotNull();
    }
    assertThat(ledger.unwritten().size()).isEqualTo(5);

    redis.startAgain();
    await(ledger.rewriteUnwritten());
    assertThat(ledger.unwritten().size()).isZero();
    var keys = QuotaKeys.of("team", "team/c", false);
    try (var commands = RedisCommands.to(redis.url())) {
      assertThat(commands.number(keys.usdOnDay(NOW))).isEqualTo(5 * real);
      assertThat(commands.number(keys.tokensOnDay(NOW))).isEqualTo(5 * 90);
    }
    // The allowance stays spent for the day: a second outage admits nothing more.
    redis.stop();
    assertThat(await(ledger.reserve(caller, 100, estimate)).refusal()).isNotNull();
  }

  @Test
  void aSettlementSentAgainAfterItsReplyWasLostCountsOnce() throws Exception {
    var caller = caller("team/d", quota(1.0, null));
    var reservation = await(ledger.reserve(caller, 100, NANO / 100)).reservation();
    await(ledger.settle(reservation, 80, NANO / 200));
    await(ledger.settle(reservation, 80, NANO / 200));
    try (var commands = RedisCommands.to(redis.url())) {
      var keys = QuotaKeys.of("team", "team/d", false);
      assertThat(commands.number(keys.usdOnDay(NOW))).isEqualTo(NANO / 200);
      assertThat(commands.number(keys.tokensOnDay(NOW))).isEqualTo(80);
    }
  }

  private static Caller caller(String apiKey, AccessConfig.Quota quota) {
    return new Caller(apiKey, "team", Set.of(), quota);
  }

  private static AccessConfig.Quota quota(double usdPerDay, Double localAllowanceUsd) {
    return new AccessConfig.Quota(
        null, null, usdPerDay, null, null, false, null, localAllowanceUsd);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
