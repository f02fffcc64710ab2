package io.beastmode.router.access;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.router.cache.PipelinedRedis;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ledger against a real redis-server, with three clients on their own connections standing in
 * for three routers of a region.
 */
class QuotaLedgerIT {
  static final long NANO = 1_000_000_000L;
  static RedisServer redis;
  static Vertx vertx;
  static List<PipelinedRedis> routers = new ArrayList<>();
  static final Instant START = Instant.parse("2026-11-27T10:00:05Z");
  static MutableClock clock = new MutableClock(START);

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    for (int i = 0; i < 3; i++) {
      routers.add(new PipelinedRedis(Redis.createClient(vertx, redis.url()), true));
    }
  }

  @AfterAll
  static void stop() {
    routers.forEach(PipelinedRedis::close);
    vertx.close().toCompletionStage().toCompletableFuture().join();
    redis.close();
  }

  @BeforeEach
  void flush() throws Exception {
    clock.now = START;
    routers
        .get(0)
        .send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.FLUSHALL))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Test
  void aRequestLimitAdmitsExactlyThatManyAcrossRouters() {
    var caller = caller("team/a", "team", quota(10, null, null, false));
    var outcomes = await(concurrently(60, i -> ledger(i).reserve(caller, 100, NANO)));
    assertThat(outcomes.stream().filter(o -> o.refusal() == null)).hasSize(10);
    var refused = outcomes.stream().filter(o -> o.refusal() != null).findFirst().orElseThrow();
    assertThat(refused.refusal().status()).isEqualTo(429);
    assertThat(new String(refused.refusal().body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"rate_limit_exceeded\"");
    assertThat(refused.headers().values())
        .containsEntry("x-ratelimit-limit-requests", "10")
        .containsEntry("x-ratelimit-remaining-requests", "0")
        .containsEntry("x-ratelimit-reset-requests", "55s");
    assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(55);
  }

  @Test
  void aRequestLimitResetsWhenItsMinuteEnds() {
    var caller = caller("team/r", "team", quota(2, null, null, false));
    for (int i = 0; i < 2; i++) {
      assertThat(await(List.of(ledger(i).reserve(caller, 10, 0))).get(0).refusal()).isNull();
    }
    var refused = await(List.of(ledger(2).reserve(caller, 10, 0))).get(0);
    assertThat(refused.refusal().retryAfterSeconds()).as("10:00:05 -> 10:01:00").isEqualTo(55);

    clock.advance(Duration.ofSeconds(54));
    assertThat(await(List.of(ledger(0).reserve(caller, 10, 0))).get(0).refusal())
        .as("a second before the minute ends")
        .isNotNull();
    clock.advance(Duration.ofSeconds(1));
    var next = await(List.of(ledger(1).reserve(caller, 10, 0))).get(0);
    assertThat(next.refusal()).as("the next minute").isNull();
    assertThat(next.headers().values()).containsEntry("x-ratelimit-remaining-requests", "1");
  }

  @Test
  void requestsReadInOnePassOfAnEventLoopAreDecidedInTurnInOneCall() {
    var caller = caller("team/g", "team", quota(10, null, 1.0, false));
    long estimate = 30_000_000L;
    // Redis knows the scripts already; then count the calls.
    var other = caller("team/h", "team", quota(10, null, 1.0, false));
    await(inOnePass(1, ledger -> ledger.reserve(other, 100, estimate)));
    redisCommand(
        io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.CONFIG).arg("RESETSTAT"));
    List<QuotaLedger.Outcome> outcomes =
        await(inOnePass(25, ledger -> ledger.reserve(caller, 100, estimate)));
    assertThat(
            redisCommand(
                    io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.INFO)
                        .arg("commandstats"))
                .toString())
        .contains("cmdstat_evalsha:calls=1,");
    assertThat(outcomes.stream().filter(o -> o.refusal() == null)).hasSize(10);
    // Each admitted in turn: the first sees 9 requests left, the tenth none.
    assertThat(
            outcomes.stream()
                .filter(o -> o.refusal() == null)
                .map(o -> o.headers().values().get("x-ratelimit-remaining-requests")))
        .containsExactly("9", "8", "7", "6", "5", "4", "3", "2", "1", "0");
    assertThat(outcomes.subList(10, 25))
        .allSatisfy(o -> assertThat(o.refusal().status()).isEqualTo(429));
    assertThat(hash(QuotaKeys.of("team", "team/g", false).held()))
        .containsEntry("usd", Long.toString(10 * estimate))
        .containsEntry("tok", "1000");

    // Settled in one pass too: every hold released, the real cost spent.
    var admitted = outcomes.subList(0, 10);
    await(
        inOnePass(
            10, (ledger, i) -> ledger.settle(admitted.get(i).reservation(), 40, 20_000_000L + i)));
    var keys = QuotaKeys.of("team", "team/g", false);
    assertThat(hash(keys.held())).containsEntry("usd", "0").containsEntry("tok", "0").hasSize(2);
    assertThat(value(keys.usdOnDay(START))).isEqualTo(Long.toString(10 * 20_000_000L + 45));
    assertThat(value(keys.tokensOnDay(START))).isEqualTo("400");
    assertThat(value(keys.tokensInMinute(START.toEpochMilli() / 60_000))).isEqualTo("400");
  }

  @Test
  void twoHundredConcurrentRequestsNeverSpendPastTheBudget() {
    // 1 USD a day, each request reserving 0.03 USD and really costing 0.02-0.03 USD.
    var caller = caller("team/b", "team", quota(null, null, 1.0, false));
    long estimate = 30_000_000L;
    var first = await(concurrently(200, i -> ledger(i).reserve(caller, 500, estimate)));
    var admitted = first.stream().filter(o -> o.refusal() == null).toList();
    assertThat(admitted).as("1.00 / 0.03 whole requests").hasSize(33);
    var refusal = first.stream().filter(o -> o.refusal() != null).findFirst().orElseThrow();
    assertThat(new String(refusal.refusal().body(), StandardCharsets.UTF_8))
        .contains("\"code\":\"insufficient_quota\"");

    long spent = 0;
    for (int i = 0; i < admitted.size(); i++) {
      long real = 20_000_000L + (i % 2) * 10_000_000L;
      spent += real;
      await(List.of(ledger(i).settle(admitted.get(i).reservation(), 400, real)));
    }
    // What settling freed is admitted again, and the day's spend never passes 1 USD.
    var second = await(concurrently(200, i -> ledger(i).reserve(caller, 500, estimate)));
    long more = second.stream().filter(o -> o.refusal() == null).count();
    assertThat(spent + more * estimate).isLessThanOrEqualTo(NANO);
    assertThat(spent + (more + 1) * estimate).isGreaterThan(NANO);
  }

  @Test
  void aReservationItsRouterNeverSettledIsReleasedAfterItsDeadline() {
    var caller = caller("team/c", "team", quota(null, null, 0.05, false));
    assertThat(await(List.of(ledger(0).reserve(caller, 10, 40_000_000L))).get(0).refusal())
        .isNull();
    assertThat(await(List.of(ledger(1).reserve(caller, 10, 40_000_000L))).get(0).refusal())
        .as("the first holds the budget")
        .isNotNull();
    clock.advance(QuotaLedger.RESERVATION_DEADLINE.plusSeconds(1));
    assertThat(await(List.of(ledger(2).reserve(caller, 10, 40_000_000L))).get(0).refusal())
        .as("the dead router's hold is gone")
        .isNull();
  }

  @Test
  void aSettlementSaysWhetherItsReservationWasHeldAndCountsOnce() {
    var caller = caller("team/s", "team", quota(null, null, 1.0, false));
    QuotaLedger ledger = ledger(0);
    var kept = await(List.of(ledger.reserve(caller, 10, 40_000_000L))).get(0).reservation();
    var lost = await(List.of(ledger.reserve(caller, 10, 40_000_000L))).get(0).reservation();
    // As a master that failed over before a replica had it: the reservation is not in Redis.
    redisCommand(
        io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HDEL)
            .arg(lost.keys().held())
            .arg("r:" + lost.id()));

    assertThat(await(List.of(ledger.settle(kept, 10, 30_000_000L))))
        .containsExactly(QuotaLedger.Settlement.RELEASED);
    assertThat(await(List.of(ledger.settle(kept, 10, 30_000_000L))))
        .as("sent again")
        .containsExactly(QuotaLedger.Settlement.ALREADY_WRITTEN);
    assertThat(await(List.of(ledger.settle(lost, 10, 30_000_000L))))
        .containsExactly(QuotaLedger.Settlement.NO_RESERVATION);
    assertThat(ledger.reservationsNotFound()).isEqualTo(1);
    assertThat(value(lost.keys().usdOnDay(START))).isEqualTo("60000000");
  }

  @Test
  void keysOfATenantWithASharedBudgetDrawFromOnePot() {
    var first = caller("team/d1", "shared", quota(null, null, 0.1, true));
    var second = caller("team/d2", "shared", quota(null, null, 0.1, true));
    var own = caller("team/d3", "shared", quota(null, null, 0.1, false));
    var reservation = await(List.of(ledger(0).reserve(first, 10, 80_000_000L))).get(0);
    await(List.of(ledger(0).settle(reservation.reservation(), 10, 80_000_000L)));
    assertThat(await(List.of(ledger(1).reserve(second, 10, 30_000_000L))).get(0).refusal())
        .isNotNull();
    assertThat(await(List.of(ledger(1).reserve(own, 10, 30_000_000L))).get(0).refusal()).isNull();
  }

  @Test
  void tokensPerMinuteCountTheRealUsageOnceSettled() {
    var caller = caller("team/e", "team", quota(null, 1000, null, false));
    var big = await(List.of(ledger(0).reserve(caller, 900, 0))).get(0);
    assertThat(await(List.of(ledger(1).reserve(caller, 200, 0))).get(0).refusal()).isNotNull();
    await(List.of(ledger(0).settle(big.reservation(), 100, 0)));
    var after = await(List.of(ledger(1).reserve(caller, 200, 0))).get(0);
    assertThat(after.refusal()).isNull();
    assertThat(after.headers().values()).containsEntry("x-ratelimit-remaining-tokens", "700");
  }

  @Test
  void countersExpireAFixedTimeAfterTheirPeriodWhoeverWritesThemLast() {
    // 10:00:05 on 2026-11-27: 55 s left in the minute, 13 h 59 min 55 s in the day, 3 days and as
    // much in the month.
    var caller =
        caller(
            "team/f", "team", new AccessConfig.Quota(100, 100_000, 1.0, 10.0, null, false, null));
    var keys = QuotaKeys.of("team", "team/f", false);
    long minute = START.toEpochMilli() / 60_000;
    for (int i = 0; i < 3; i++) {
      var outcome = await(List.of(ledger(i).reserve(caller, 100, 1_000L))).get(0);
      await(List.of(ledger(i).settle(outcome.reservation(), 50, 500L)));
      clock.advance(Duration.ofSeconds(20));
    }
    long secondsToDayEnd = Duration.ofHours(13).plusMinutes(59).plusSeconds(55).toSeconds();
    assertThat(ttlSeconds(keys.requestsInMinute(minute))).isBetween(55L + 120 - 2, 55L + 120);
    assertThat(ttlSeconds(keys.tokensInMinute(minute))).isBetween(55L + 120 - 2, 55L + 120);
    long day = secondsToDayEnd + Duration.ofDays(2).toSeconds();
    assertThat(ttlSeconds(keys.usdOnDay(START))).isBetween(day - 2, day);
    long month = secondsToDayEnd + Duration.ofDays(3 + 32).toSeconds();
    assertThat(ttlSeconds(keys.usdInMonth(START))).isBetween(month - 2, month);
    assertThat(ttlSeconds(keys.tokensOnDay(START))).isBetween(day - 2, day);
  }

  private static long ttlSeconds(String key) {
    return await(
            List.of(
                routers
                    .get(0)
                    .send(
                        io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.TTL)
                            .arg(key))))
        .get(0)
        .toLong();
  }

  /** {@code n} calls of one router's ledger, made in one task on an event loop. */
  private static <T> List<Future<T>> inOnePass(
      int n, java.util.function.BiFunction<QuotaLedger, Integer, Future<T>> call) {
    QuotaLedger ledger = ledger(0);
    var futures = new ArrayList<Future<T>>();
    var sent = new java.util.concurrent.CountDownLatch(1);
    vertx.runOnContext(
        ignored -> {
          for (int i = 0; i < n; i++) {
            futures.add(call.apply(ledger, i));
          }
          sent.countDown();
        });
    try {
      assertThat(sent.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return futures;
  }

  private static <T> List<Future<T>> inOnePass(
      int n, java.util.function.Function<QuotaLedger, Future<T>> call) {
    return inOnePass(n, (ledger, i) -> call.apply(ledger));
  }

  private static io.vertx.redis.client.Response redisCommand(
      io.vertx.redis.client.Request request) {
    return await(List.of(routers.get(0).send(request))).get(0);
  }

  private static java.util.Map<String, String> hash(String key) {
    var reply =
        redisCommand(
            io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HGETALL).arg(key));
    var fields = new java.util.TreeMap<String, String>();
    for (String field : reply.getKeys()) {
      fields.put(field, reply.get(field).toString());
    }
    return fields;
  }

  private static String value(String key) {
    var reply =
        redisCommand(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.GET).arg(key));
    return reply == null ? null : reply.toString();
  }

  private static QuotaLedger ledger(int i) {
    var router = routers.get(i % routers.size());
    return new QuotaLedger(() -> router, clock);
  }

  private static Caller caller(String apiKey, String tenant, AccessConfig.Quota quota) {
    return new Caller(apiKey, tenant, Set.of(), quota);
  }

  private static AccessConfig.Quota quota(
      Integer requestsPerMinute, Integer tokensPerMinute, Double usdPerDay, boolean tenant) {
    return new AccessConfig.Quota(
        requestsPerMinute, tokensPerMinute, usdPerDay, null, null, tenant, null);
  }

  private static <T> List<Future<T>> concurrently(
      int n, java.util.function.IntFunction<Future<T>> call) {
    var futures = new ArrayList<Future<T>>();
    for (int i = 0; i < n; i++) {
      futures.add(call.apply(i));
    }
    return futures;
  }

  private static <T> List<T> await(List<Future<T>> futures) {
    return futures.stream()
        .map(
            f -> {
              try {
                return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
