package io.beastmode.router.access;

import io.beastmode.router.api.ApiError;
import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.QuotaKeys;
import io.beastmode.wire.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keys' rate limits and budgets, exact within a region under any concurrency: admission runs one
 * script in the region's Redis that checks every limit and reserves the request's estimated tokens
 * and cost at once; the answer settles the reservation with the real usage. A reservation not
 * settled by its deadline (its router died) is released by the next admission.
 *
 * <p>Spend within a region can pass a budget only by what requests in flight use beyond their
 * estimate: the estimate counts the whole {@code max_tokens}, so only a prompt longer than its
 * estimate, or a fallback to a dearer model, adds to it.
 */
public final class QuotaLedger {
  static final RedisScript RESERVE = RedisScript.load("reserve.lua");
  static final RedisScript SETTLE = RedisScript.load("settle.lua");

  /** How long a reservation holds when its router never settles it. */
  static final Duration RESERVATION_DEADLINE = Duration.ofMinutes(5);

  /** How long past the end of its day a day's counters are kept, and a month's past its month. */
  private static final long DAY_KEPT_MILLIS = Duration.ofDays(2).toMillis();

  private static final long MONTH_KEPT_MILLIS = Duration.ofDays(32).toMillis();

  /**
   * Reservation ids: this process's random prefix and a count, unique across routers without a
   * secure random number per request.
   */
  private static final String ID_PREFIX =
      Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE) + "-";

  private static final AtomicLong IDS = new AtomicLong();

  /**
   * One admitted request's hold on its key's counters.
   *
   * @param minute the UTC minute it was admitted in (its tokens count there)
   */
  public record Reservation(
      String id,
      QuotaKeys keys,
      long minute,
      long estimatedTokens,
      long estimatedNanoUsd,
      boolean budgeted) {}

  /**
   * What admission came to.
   *
   * @param reservation the hold to settle; null when refused
   * @param refusal the 429 to answer; null when admitted
   * @param headers OpenAI's x-ratelimit-* headers for the answer
   */
  public record Outcome(Reservation reservation, ApiError refusal, RateLimitHeaders headers) {}

  private final Supplier<PipelinedRedis> redis;
  private final Clock clock;

  public QuotaLedger(Supplier<PipelinedRedis> redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** Checks the caller's limits and budget and reserves the estimate; fails when Redis does. */
  public Future<Outcome> reserve(Caller caller, long estimatedTokens, long estimatedNanoUsd) {
    AccessConfig.Quota quota = caller.quota();
    Instant now = clock.instant();
    long minute = now.toEpochMilli() / 60_000;
    var keys = QuotaKeys.of(caller.tenant(), caller.apiKey(), quota.tenantBudget());
    boolean budgeted =
        quota.usdPerDay() != null || quota.usdPerMonth() != null || quota.tokensPerDay() != null;
    String id = ID_PREFIX + Long.toString(IDS.incrementAndGet(), 36);
    var reservation =
        new Reservation(id, keys, minute, estimatedTokens, estimatedNanoUsd, budgeted);
    List<String> args =
        List.of(
            Long.toString(now.toEpochMilli()),
            Long.toString(now.plus(RESERVATION_DEADLINE).toEpochMilli()),
            id,
            Long.toString(estimatedTokens),
            Long.toString(estimatedNanoUsd),
            limit(quota.requestsPerMinute()),
            limit(quota.tokensPerMinute()),
            nanoLimit(quota.usdPerDay()),
            nanoLimit(quota.usdPerMonth()),
            limit(quota.tokensPerDay()),
            budgeted ? "1" : "0",
            limit(quota.budgetRegions()));
    List<String> keyNames =
        List.of(
            keys.requestsInMinute(minute),
            keys.tokensInMinute(minute),
            keys.usdOnDay(now),
            keys.usdInMonth(now),
            keys.tokensOnDay(now),
            keys.held(),
            keys.deadlines(),
            keys.allowances(QuotaKeys.Budget.USD_PER_DAY, now),
            keys.allowances(QuotaKeys.Budget.USD_PER_MONTH, now));
    long minuteEndsIn = 60_000 - now.toEpochMilli() % 60_000;
    return run(RESERVE, keyNames, args)
        .map(reply -> outcome(reply, quota, reservation, minuteEndsIn, now));
  }

  /** Releases the reservation and spends what the request really used. */
  public Future<Response> settle(Reservation reservation, long tokens, long nanoUsd) {
    Instant now = clock.instant();
    var keys = reservation.keys();
    PeriodEnds ends = periodEnds(now);
    return run(
        SETTLE,
        List.of(
            keys.tokensInMinute(reservation.minute()),
            keys.usdOnDay(now),
            keys.usdInMonth(now),
            keys.tokensOnDay(now),
            keys.held(),
            keys.deadlines()),
        List.of(
            reservation.id(),
            Long.toString(tokens),
            Long.toString(nanoUsd),
            Long.toString(reservation.estimatedTokens()),
            Long.toString(ends.day() - now.toEpochMilli() + DAY_KEPT_MILLIS),
            Long.toString(ends.month() - now.toEpochMilli() + MONTH_KEPT_MILLIS),
            reservation.budgeted() ? "1" : "0"));
  }

  /** When the UTC day and month holding a time end, in epoch milliseconds. */
  private record PeriodEnds(long epochDay, long day, long month) {}

  /**
   * The ends of the last day settled in, kept: settlements come in the same day by the thousand.
   */
  private volatile PeriodEnds lastEnds = new PeriodEnds(Long.MIN_VALUE, 0, 0);

  private PeriodEnds periodEnds(Instant now) {
    long epochDay = Math.floorDiv(now.getEpochSecond(), 86_400);
    PeriodEnds ends = lastEnds;
    if (ends.epochDay() != epochDay) {
      LocalDate day = LocalDate.ofEpochDay(epochDay);
      ends =
          new PeriodEnds(
              epochDay,
              day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
              day.withDayOfMonth(1)
                  .plusMonths(1)
                  .atStartOfDay(ZoneOffset.UTC)
                  .toInstant()
                  .toEpochMilli());
      lastEnds = ends;
    }
    return ends;
  }

  private static Outcome outcome(
      Response reply,
      AccessConfig.Quota quota,
      Reservation reservation,
      long minuteEndsIn,
      Instant now) {
    int code = reply.get(0).toInteger();
    if (code == 0) {
      long requestsLeft = reply.get(1).toLong();
      long tokensLeft = reply.get(2).toLong();
      return new Outcome(
          reservation, null, RateLimitHeaders.of(quota, requestsLeft, tokensLeft, minuteEndsIn));
    }
    long left = reply.get(2).toLong();
    long minuteSeconds = Math.max(1, (minuteEndsIn + 999) / 1000);
    ApiError refusal =
        switch (code) {
          case 1 -> ApiError.rateLimited("requests", quota.requestsPerMinute(), minuteSeconds);
          case 2 -> ApiError.rateLimited("tokens", quota.tokensPerMinute(), minuteSeconds);
          case 3 -> ApiError.quotaSpent("daily USD budget", secondsToNextDay(now));
          case 4 -> ApiError.quotaSpent("monthly USD budget", secondsToNextMonth(now));
          default -> ApiError.quotaSpent("daily token budget", secondsToNextDay(now));
        };
    var headers =
        code <= 2
            ? RateLimitHeaders.refused(quota, code == 1, left, minuteEndsIn)
            : RateLimitHeaders.NONE;
    return new Outcome(null, refusal, headers);
  }

  private Future<Response> run(RedisScript script, List<String> keys, List<String> args) {
    PipelinedRedis connection = redis.get();
    return connection
        .send(command(Command.EVALSHA, script.arguments(false, keys, args)))
        .recover(
            error ->
                RedisScript.unknown(error)
                    ? connection.send(command(Command.EVAL, script.arguments(true, keys, args)))
                    : Future.failedFuture(error));
  }

  private static Request command(Command command, List<String> arguments) {
    Request request = Request.cmd(command);
    arguments.forEach(request::arg);
    return request;
  }

  private static String limit(Number value) {
    return value == null ? "-1" : Long.toString(value.longValue());
  }

  private static String nanoLimit(Double usd) {
    return usd == null ? "-1" : Long.toString(Math.round(usd * 1e9));
  }

  private static long secondsToNextDay(Instant now) {
    var next = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC);
    return Math.max(1, Duration.between(now, next.toInstant()).toSeconds());
  }

  private static long secondsToNextMonth(Instant now) {
    var next =
        LocalDate.ofInstant(now, ZoneOffset.UTC)
            .withDayOfMonth(1)
            .plusMonths(1)
            .atStartOfDay(ZoneOffset.UTC);
    return Math.max(1, Duration.between(now, next.toInstant()).toSeconds());
  }
}
