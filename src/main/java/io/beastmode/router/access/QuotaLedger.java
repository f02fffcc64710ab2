package io.beastmode.router.access;

import io.beastmode.router.api.ApiError;
import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.QuotaKeys;
import io.beastmode.wire.RedisScript;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Keys' rate limits and budgets, exact within a region under any concurrency: admission runs one
 * script in the region's Redis that checks every limit and reserves the request's estimated tokens
 * and cost at once; the answer settles the reservation with the real usage. A reservation not
 * settled by its deadline (its router died) is released by the next admission.
 *
 * <p>On an event loop, the admissions (and the settlements) that one pass of the loop makes for the
 * same key go to Redis in one call of the script, sent once the pass has run: the script decides
 * them in turn, as separate calls would, and writes the counters once for all. A script call costs
 * Redis about as much as the requests it decides; a pass under load reads many requests of a busy
 * key. Off the event loops each call goes on its own, at once.
 *
 * <p>Spend within a region can pass a budget only by what requests in flight use beyond their
 * estimate: the estimate counts the whole {@code max_tokens}, so only a prompt longer than its
 * estimate, or a fallback to a dearer model, adds to it.
 *
 * <p>When Redis cannot be reached, a budgeted request is refused with a 429 (fail closed), or
 * admitted on the router's own estimate within the key's local allowance ({@link LocalAllowances}).
 * A budgeted settlement not seen written is kept ({@link UnwrittenSettlements}) and written again
 * by {@link #rewriteUnwritten}; the script counts each one once. With {@code waitReplicas}, a reply
 * counts as written only once that many replicas have it (Redis' WAIT), so a failover to one of
 * them loses no acknowledged reservation or settlement.
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

  /** At most this many requests in one script call. */
  static final int MOST_PER_CALL = 64;

  /** How long a settled bitmap is kept after its last settlement. */
  private static final long SETTLED_KEPT_MILLIS = Duration.ofDays(3).toMillis();

  /** When a budget cannot be checked: try again after this, about a Sentinel failover's time. */
  static final long UNCHECKABLE_RETRY_SECONDS = 5;

  /** Unwritten settlements written again per {@link #rewriteUnwritten} call. */
  private static final int REWRITTEN_PER_CALL = 1024;

  /**
   * One admitted request's hold on its key's counters.
   *
   * @param minute the UTC minute it was admitted in (its tokens count there)
   * @param settledBit its bit in this router's settled bitmap of its budget and admission day
   * @param withoutLedger admitted on the local allowance: Redis holds nothing for it
   */
  public record Reservation(
      String id,
      QuotaKeys keys,
      long minute,
      long estimatedTokens,
      long estimatedNanoUsd,
      boolean budgeted,
      long settledBit,
      boolean withoutLedger) {

    Reservation admittedWithoutLedger() {
      return new Reservation(
          id, keys, minute, estimatedTokens, estimatedNanoUsd, budgeted, settledBit, true);
    }
  }

  /** What writing a settlement found in Redis (the settle script's answer per request). */
  public enum Settlement {
    /** Written before: a settlement sent again after its reply was lost counts once. */
    ALREADY_WRITTEN,
    /** Written, and its reservation released. */
    RELEASED,
    /**
     * Written, but Redis held no reservation for it: released at its deadline, admitted while the
     * ledger was away, or acknowledged by a master that failed over before a replica had it.
     */
    NO_RESERVATION,
    /** Written; no budget applies, so nothing was reserved. */
    UNBUDGETED;

    static Settlement of(int code) {
      return values()[code];
    }
  }

  /**
   * What admission came to.
   *
   * @param reservation the hold to settle; null when refused
   * @param refusal the 429 to answer; null when admitted
   * @param headers OpenAI's x-ratelimit-* headers for the answer
   * @param ledgerUnreachable decided without Redis: refused, or admitted on the local allowance
   */
  public record Outcome(
      Reservation reservation,
      ApiError refusal,
      RateLimitHeaders headers,
      boolean ledgerUnreachable) {}

  /**
   * How the ledger talks to Redis.
   *
   * @param timeout how long a script call may take before it counts as failed and its connection is
   *     dropped (a frozen or unreachable master answers nothing; the next call reconnects)
   * @param waitReplicas how many replicas must have a call's writes before its reply counts (0:
   *     none, the master's reply suffices)
   * @param waitTimeout how long to wait for them; past it the call counts as failed
   */
  public record Settings(Duration timeout, int waitReplicas, Duration waitTimeout) {
    /** No timeout of its own, no replica waited for. */
    public static final Settings UNTIMED = new Settings(null, 0, Duration.ZERO);
  }

  private final Supplier<PipelinedRedis> redis;
  private final Clock clock;
  private final Vertx vertx;
  private final Settings settings;
  private final UnwrittenSettlements unwritten;
  private final LocalAllowances localAllowances = new LocalAllowances();

  /**
   * This ledger's own id in the settled bitmaps, which number its settlements: two ledgers never
   * share a bitmap.
   */
  private final String settler = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE);

  /** The next settled bit of each budget, by the budget's prefix, for one admission day. */
  private final Map<String, long[]> settledBits = new ConcurrentHashMap<>();

  private final AtomicBoolean rewriting = new AtomicBoolean();

  /** Settlements of reservations Redis acknowledged that found none held (see below). */
  private final AtomicLong reservationsNotFound = new AtomicLong();

  /** The calls each event loop's current pass has gathered, by loop. */
  private final Map<Thread, Pass> passes = new ConcurrentHashMap<>();

  /** A ledger without a timeout of its own that waits for no replica. */
  public QuotaLedger(Supplier<PipelinedRedis> redis, Clock clock) {
    this(redis, clock, null, Settings.UNTIMED, new UnwrittenSettlements(100_000));
  }

  /**
   * @param vertx times the calls; null when {@code settings} has no timeout
   */
  public QuotaLedger(
      Supplier<PipelinedRedis> redis,
      Clock clock,
      Vertx vertx,
      Settings settings,
      UnwrittenSettlements unwritten) {
    this.redis = redis;
    this.clock = clock;
    this.vertx = vertx;
    this.settings = settings;
    this.unwritten = unwritten;
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
        new Reservation(
            id,
            keys,
            minute,
            estimatedTokens,
            estimatedNanoUsd,
            budgeted,
            budgeted ? nextSettledBit(keys.budget(), minute / 1440) : 0,
            false);
    List<String> limits =
        List.of(
            limit(quota.requestsPerMinute()),
            limit(quota.tokensPerMinute()),
            nanoLimit(quota.usdPerDay()),
            nanoLimit(quota.usdPerMonth()),
            limit(quota.tokensPerDay()),
            budgeted ? "1" : "0",
            limit(quota.budgetRegions()));
    List<String> request =
        List.of(
            Long.toString(now.toEpochMilli()),
            Long.toString(now.plus(RESERVATION_DEADLINE).toEpochMilli()),
            id,
            Long.toString(estimatedTokens),
            Long.toString(estimatedNanoUsd));
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
    return call(new Batch(RESERVE, keyNames, limits), request)
        .map(answer -> outcome(answer, quota, reservation, minuteEndsIn, now))
        .recover(error -> withoutLedger(error, quota, reservation));
  }

  /**
   * Admission when Redis did not answer: a request without a budget goes on unchecked (its rate
   * limits are a minute's, a cache's kind of loss); a budgeted one takes from its key's local
   * allowance, or is refused.
   */
  private Future<Outcome> withoutLedger(
      Throwable error, AccessConfig.Quota quota, Reservation reservation) {
    if (!reservation.budgeted()) {
      return Future.failedFuture(error);
    }
    long allowance =
        quota.localAllowanceUsd() == null ? 0 : Math.round(quota.localAllowanceUsd() * 1e9);
    if (allowance > 0
        && localAllowances.take(
            reservation.keys().budget(),
            reservation.minute() / 1440,
            reservation.estimatedNanoUsd(),
            allowance)) {
      return Future.succeededFuture(
          new Outcome(reservation.admittedWithoutLedger(), null, RateLimitHeaders.NONE, true));
    }
    return Future.succeededFuture(
        new Outcome(
            null,
            ApiError.budgetUncheckable(UNCHECKABLE_RETRY_SECONDS),
            RateLimitHeaders.NONE,
            true));
  }

  /**
   * Releases the reservation and spends what the request really used. A budgeted settlement that
   * fails is kept and written again by {@link #rewriteUnwritten}.
   */
  public Future<Settlement> settle(Reservation reservation, long tokens, long nanoUsd) {
    return settle(
        new UnwrittenSettlements.Unwritten(reservation, tokens, nanoUsd, clock.instant()));
  }

  /**
   * Writes again the settlements kept since Redis last failed, oldest first; the next call does
   * nothing while one is under way. Those that fail again are kept again. Completes when this
   * call's writes have.
   */
  public Future<Void> rewriteUnwritten() {
    if (unwritten.size() == 0 || !rewriting.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    List<Future<Settlement>> written = new ArrayList<>();
    unwritten.take(REWRITTEN_PER_CALL).forEach(settlement -> written.add(settle(settlement)));
    return Future.join(written)
        .<Void>mapEmpty()
        .eventually(
            () -> {
              rewriting.set(false);
              return Future.succeededFuture();
            })
        .otherwiseEmpty();
  }

  /**
   * Settlements written for reservations Redis had acknowledged that found no reservation held:
   * each is a reservation a failover lost (or, for a request longer than {@link
   * #RESERVATION_DEADLINE}, one released at its deadline).
   */
  public long reservationsNotFound() {
    return reservationsNotFound.get();
  }

  /** Budgeted settlements kept to write again. */
  public UnwrittenSettlements unwritten() {
    return unwritten;
  }

  private Future<Settlement> settle(UnwrittenSettlements.Unwritten settlement) {
    Reservation reservation = settlement.reservation();
    Instant now = settlement.at();
    long tokens = settlement.tokens();
    // Redis holds no estimate for a request admitted without it: its minute's tokens stay as
    // they are.
    long estimatedTokens = reservation.withoutLedger() ? tokens : reservation.estimatedTokens();
    var keys = reservation.keys();
    PeriodEnds ends = periodEnds(now);
    // From the start of the second: the settlements of a pass share these, and so one call.
    long second = now.getEpochSecond() * 1000;
    return call(
            new Batch(
                SETTLE,
                List.of(
                    keys.tokensInMinute(reservation.minute()),
                    keys.usdOnDay(now),
                    keys.usdInMonth(now),
                    keys.tokensOnDay(now),
                    keys.held(),
                    keys.deadlines(),
                    settledBitmap(reservation)),
                List.of(
                    Long.toString(ends.day() - second + DAY_KEPT_MILLIS),
                    Long.toString(ends.month() - second + MONTH_KEPT_MILLIS),
                    reservation.budgeted() ? "1" : "0",
                    Long.toString(SETTLED_KEPT_MILLIS))),
            List.of(
                reservation.id(),
                Long.toString(tokens),
                Long.toString(settlement.nanoUsd()),
                Long.toString(estimatedTokens),
                Long.toString(reservation.settledBit())))
        .map(answer -> Settlement.of(answer.reply().get(answer.index()).toInteger()))
        .onSuccess(
            written -> {
              if (written == Settlement.NO_RESERVATION && !reservation.withoutLedger()) {
                reservationsNotFound.incrementAndGet();
              }
            })
        .onFailure(
            error -> {
              if (reservation.budgeted()) {
                unwritten.keep(settlement);
              }
            });
  }

  /** The bitmap that says whether a reservation's settlement is written. */
  String settledBitmap(Reservation reservation) {
    return reservation.keys().settled(settler, reservation.minute() / 1440);
  }

  /** The settled bit of a budget's next reservation admitted on {@code epochDay}. */
  private long nextSettledBit(String budget, long epochDay) {
    long[] next =
        settledBits.compute(
            budget,
            (name, day) ->
                day == null || day[0] != epochDay
                    ? new long[] {epochDay, 0}
                    : new long[] {epochDay, day[1] + 1});
    return next[1];
  }

  /**
   * Calls of one script that can share one call: the same keys and the same shared arguments.
   *
   * @param shared the arguments before those of each request
   */
  private record Batch(RedisScript script, List<String> keys, List<String> shared) {}

  /**
   * One request's part of a script call's reply.
   *
   * @param index the request's place in the call
   */
  private record Answer(Response reply, int index) {}

  private record Waiting(List<String> arguments, Promise<Answer> answer) {}

  /**
   * The calls one pass of an event loop gathered, by batch; sent by a task queued behind the pass.
   * Used by its loop's thread only.
   */
  private final class Pass {
    private Map<Batch, List<Waiting>> gathered = new LinkedHashMap<>();

    /** True when this is the pass's first call: the caller queues {@link #send}. */
    boolean add(Batch batch, Waiting waiting) {
      boolean first = gathered.isEmpty();
      gathered.computeIfAbsent(batch, b -> new ArrayList<>()).add(waiting);
      return first;
    }

    void send() {
      Map<Batch, List<Waiting>> sending = gathered;
      gathered = new LinkedHashMap<>();
      sending.forEach(
          (batch, all) -> {
            for (int from = 0; from < all.size(); from += MOST_PER_CALL) {
              List<Waiting> part = all.subList(from, Math.min(all.size(), from + MOST_PER_CALL));
              List<String> arguments = new ArrayList<>(batch.shared());
              part.forEach(waiting -> arguments.addAll(waiting.arguments()));
              run(batch.script(), batch.keys(), arguments)
                  .onComplete(
                      reply -> {
                        for (int i = 0; i < part.size(); i++) {
                          if (reply.succeeded()) {
                            part.get(i).answer().complete(new Answer(reply.result(), i));
                          } else {
                            part.get(i).answer().fail(reply.cause());
                          }
                        }
                      });
            }
          });
    }
  }

  /**
   * A request's call of {@code batch}'s script with its own {@code arguments}: gathered with the
   * pass's others on an event loop, sent at once elsewhere.
   */
  private Future<Answer> call(Batch batch, List<String> arguments) {
    Context context = Vertx.currentContext();
    if (context == null || !Context.isOnEventLoopThread()) {
      List<String> all = new ArrayList<>(batch.shared());
      all.addAll(arguments);
      return run(batch.script(), batch.keys(), all).map(reply -> new Answer(reply, 0));
    }
    Pass pass = passes.computeIfAbsent(Thread.currentThread(), loop -> new Pass());
    Promise<Answer> answer = Promise.promise();
    if (pass.add(batch, new Waiting(arguments, answer))) {
      context.runOnContext(ignored -> pass.send());
    }
    return answer.future();
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
      Answer answer,
      AccessConfig.Quota quota,
      Reservation reservation,
      long minuteEndsIn,
      Instant now) {
    Response reply = answer.reply();
    int at = 3 * answer.index();
    int code = reply.get(at).toInteger();
    if (code == 0) {
      long requestsLeft = reply.get(at + 1).toLong();
      long tokensLeft = reply.get(at + 2).toLong();
      return new Outcome(
          reservation,
          null,
          RateLimitHeaders.of(quota, requestsLeft, tokensLeft, minuteEndsIn),
          false);
    }
    long left = reply.get(at + 2).toLong();
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
    return new Outcome(null, refusal, headers, false);
  }

  private Future<Response> run(RedisScript script, List<String> keys, List<String> args) {
    PipelinedRedis connection = redis.get();
    Future<Response> reply =
        connection
            .send(command(Command.EVALSHA, script.arguments(false, keys, args)))
            .recover(
                error ->
                    RedisScript.unknown(error)
                        ? connection.send(command(Command.EVAL, script.arguments(true, keys, args)))
                        : Future.failedFuture(error));
    if (settings.waitReplicas() > 0) {
      reply = reply.compose(answer -> replicated(connection, answer));
    }
    return settings.timeout() == null ? reply : timed(connection, reply);
  }

  /** The reply, or a failure (and a dropped connection) when it takes longer than the timeout. */
  private Future<Response> timed(PipelinedRedis connection, Future<Response> reply) {
    Promise<Response> result = Promise.promise();
    long timer =
        vertx.setTimer(
            settings.timeout().toMillis(),
            late -> {
              if (result.tryFail(
                  new TimeoutException(
                      "the ledger did not answer within "
                          + settings.timeout().toMillis()
                          + " ms"))) {
                connection.reset();
              }
            });
    reply.onComplete(
        done -> {
          vertx.cancelTimer(timer);
          if (done.succeeded()) {
            result.tryComplete(done.result());
          } else {
            result.tryFail(done.cause());
          }
        });
    return result.future();
  }

  /**
   * The answer once {@code waitReplicas} replicas have every write this connection made so far;
   * failed when fewer confirm within the timeout (the master may lose it in a failover).
   */
  private Future<Response> replicated(PipelinedRedis connection, Response answer) {
    return connection
        .send(
            Request.cmd(Command.WAIT)
                .arg(settings.waitReplicas())
                .arg(Math.max(1, settings.waitTimeout().toMillis())))
        .compose(
            confirmed ->
                confirmed.toInteger() >= settings.waitReplicas()
                    ? Future.succeededFuture(answer)
                    : Future.failedFuture(
                        new IllegalStateException(
                            "only "
                                + confirmed.toInteger()
                                + " of "
                                + settings.waitReplicas()
                                + " replicas confirmed the ledger's write")));
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
