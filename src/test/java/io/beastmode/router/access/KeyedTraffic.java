package io.beastmode.router.access;

import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.wire.AccessConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A region's routers under keyed traffic, as their Redis sees it: each router has its own ledger
 * and cache connection through the region's Redis client options (a Sentinel set's, say), and each
 * request reserves its budget, looks its answer up in the cache (storing it on a miss), and settles
 * what it spent a little later, as a model's answer would. Records what a failover test and
 * benchmark report: when writes failed and resumed, refusals, admissions without the ledger, the
 * routers' own log of settlements, READONLY replies and the cache's hits per second.
 */
public final class KeyedTraffic implements AutoCloseable {
  /** Two keys: one whose budget never runs out, one whose budget runs out during a run. */
  public static final String STEADY = "team/steady";

  public static final String TIGHT = "team/tight";

  private static final Duration CACHE_TIMEOUT = Duration.ofMillis(100);
  private static final int CACHE_ENTRIES = 200;

  /** One request's settlement as its router logged it. */
  public record Settled(QuotaLedger ledger, QuotaLedger.Reservation reservation, long nanoUsd) {}

  private final Vertx vertx;
  private final List<PipelinedRedis> connections = new ArrayList<>();
  private final List<QuotaLedger> ledgers = new ArrayList<>();
  private final Map<String, Caller> callers;
  private final long estimateNanoUsd;
  private final long realNanoUsd;
  private long timer = -1;
  private long sent;

  /** When the last ledger write failed and each succeeded, in ms since the epoch. */
  public final ConcurrentLinkedQueue<long[]> ledgerWrites = new ConcurrentLinkedQueue<>();

  public final Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
  public final AtomicLong admitted = new AtomicLong();
  public final AtomicLong admittedWithoutLedger = new AtomicLong();

  /** Reservations Redis acknowledged (admitted by the ledger, not on a local allowance). */
  public final AtomicLong acknowledgedReservations = new AtomicLong();

  public final ConcurrentLinkedQueue<Long> readOnlyErrors = new ConcurrentLinkedQueue<>();

  /** Every settlement the routers made, and those Redis acknowledged at once. */
  public final ConcurrentLinkedQueue<Settled> settlementLog = new ConcurrentLinkedQueue<>();

  public final ConcurrentLinkedQueue<Settled> acknowledged = new ConcurrentLinkedQueue<>();

  /** Cache lookups per second: {hits, lookups}, by epoch second. */
  public final Map<Long, long[]> cacheBySecond = new ConcurrentHashMap<>();

  public final AtomicLong inFlight = new AtomicLong();

  /**
   * @param options the region's Redis client options
   * @param settings the ledger's timeout and WAIT
   * @param tightBudgetUsd the daily budget of {@link #TIGHT}
   * @param localAllowanceUsd each router's allowance per key while the ledger is away (null: fail
   *     closed)
   */
  public KeyedTraffic(
      Vertx vertx,
      Supplier<RedisOptions> options,
      int routers,
      QuotaLedger.Settings settings,
      double tightBudgetUsd,
      Double localAllowanceUsd,
      long estimateNanoUsd,
      long realNanoUsd) {
    this.vertx = vertx;
    this.estimateNanoUsd = estimateNanoUsd;
    this.realNanoUsd = realNanoUsd;
    for (int i = 0; i < routers; i++) {
      var connection =
          new PipelinedRedis(Redis.createClient(vertx, options.get()), true)
              .whenDemoted(() -> readOnlyErrors.add(System.currentTimeMillis()));
      connections.add(connection);
      ledgers.add(
          new QuotaLedger(
              () -> connection,
              Clock.systemUTC(),
              vertx,
              settings,
              new UnwrittenSettlements(100_000)));
    }
    callers =
        Map.of(
            STEADY, caller(STEADY, 1_000_000.0, localAllowanceUsd),
            TIGHT, caller(TIGHT, tightBudgetUsd, localAllowanceUsd));
  }

  /** Sends {@code perSecond} requests a second, spread over the routers and the two keys. */
  public void start(int perSecond) {
    long every = Math.max(1, 1000 / perSecond);
    int each = (int) Math.max(1, perSecond * every / 1000);
    timer =
        vertx.setPeriodic(
            every,
            tick -> {
              for (int i = 0; i < each; i++) {
                request(sent++);
              }
            });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Waits for the requests in flight, then has each router write again what it kept, until none is
   * left or {@code patience} passes; true when none is left.
   */
  public boolean drain(Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (inFlight.get() == 0 && ledgers.stream().allMatch(l -> l.unwritten().size() == 0)) {
        return true;
      }
      for (QuotaLedger ledger : ledgers) {
        try {
          ledger
              .rewriteUnwritten()
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // Redis still away: try again
        }
      }
      Thread.sleep(200);
    }
    return false;
  }

  /**
   * Acknowledged reservations whose settlement, once written, found none held in Redis: lost at a
   * failover (the routers' requests are far shorter than a reservation's deadline).
   */
  public long reservationsNotFound() {
    return ledgers.stream().mapToLong(QuotaLedger::reservationsNotFound).sum();
  }

  /** Kept settlements dropped because a journal was full. */
  public long droppedSettlements() {
    return ledgers.stream().mapToLong(l -> l.unwritten().dropped()).sum();
  }

  /** The settled bitmap and bit that say whether a settlement is in Redis. */
  public static String[] bit(Settled settled) {
    return new String[] {
      settled.ledger().settledBitmap(settled.reservation()),
      Long.toString(settled.reservation().settledBit())
    };
  }

  /** The sum the routers' log says a key spent, in nano-USD. */
  public long logged(String apiKey) {
    return settlementLog.stream()
        .filter(s -> s.reservation().keys().counter().endsWith(":key:" + apiKey))
        .mapToLong(Settled::nanoUsd)
        .sum();
  }

  public Caller caller(String apiKey) {
    return callers.get(apiKey);
  }

  /** Cache hits per lookup by second, from the first second seen. */
  public TreeMap<Long, Double> hitRateBySecond() {
    var rates = new TreeMap<Long, Double>();
    cacheBySecond.forEach((second, counts) -> rates.put(second, (double) counts[0] / counts[1]));
    return rates;
  }

  @Override
  public void close() {
    stop();
    connections.forEach(PipelinedRedis::close);
  }

  private void request(long n) {
    int router = (int) (n % ledgers.size());
    QuotaLedger ledger = ledgers.get(router);
    PipelinedRedis connection = connections.get(router);
    Caller caller = callers.get(n % 2 == 0 ? STEADY : TIGHT);
    long started = System.currentTimeMillis();
    inFlight.incrementAndGet();
    lookUp(connection, "beastmode:cache:{bench}:" + (n % CACHE_ENTRIES));
    ledger
        .reserve(caller, 200, estimateNanoUsd)
        .onComplete(
            result -> {
              if (result.failed()) {
                refused("error");
                inFlight.decrementAndGet();
                return;
              }
              var outcome = result.result();
              if (outcome.ledgerUnreachable()) {
                ledgerWrites.add(new long[] {started, System.currentTimeMillis(), 0});
              } else {
                ledgerWrites.add(new long[] {started, System.currentTimeMillis(), 1});
              }
              if (outcome.refusal() != null) {
                refused(
                    outcome.ledgerUnreachable() ? "429 ledger unreachable" : "429 budget spent");
                inFlight.decrementAndGet();
                return;
              }
              admitted.incrementAndGet();
              if (outcome.ledgerUnreachable()) {
                admittedWithoutLedger.incrementAndGet();
              } else {
                acknowledgedReservations.incrementAndGet();
              }
              // The model's answer takes a moment; then the request settles.
              vertx.setTimer(20, later -> settle(ledger, outcome.reservation()));
            });
  }

  private void settle(QuotaLedger ledger, QuotaLedger.Reservation reservation) {
    var settled = new Settled(ledger, reservation, realNanoUsd);
    settlementLog.add(settled);
    ledger
        .settle(reservation, 150, realNanoUsd)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                acknowledged.add(settled);
              }
              inFlight.decrementAndGet();
            });
  }

  /** A cache lookup, and a store on a miss; its failure never fails the request. */
  private void lookUp(PipelinedRedis connection, String key) {
    long second = System.currentTimeMillis() / 1000;
    timed(connection.send(Request.cmd(Command.GET).arg(key)))
        .onComplete(
            found -> {
              boolean hit = found.succeeded() && found.result() != null;
              cacheBySecond.compute(
                  second,
                  (s, counts) -> {
                    long[] next = counts == null ? new long[2] : counts;
                    next[0] += hit ? 1 : 0;
                    next[1]++;
                    return next;
                  });
              if (found.succeeded() && !hit) {
                timed(
                    connection.send(
                        Request.cmd(Command.SET).arg(key).arg("answer").arg("EX").arg(3600)));
              }
            });
  }

  private Future<Response> timed(Future<Response> reply) {
    Promise<Response> result = Promise.promise();
    long timeout =
        vertx.setTimer(CACHE_TIMEOUT.toMillis(), late -> result.tryFail("cache timeout"));
    reply.onComplete(
        done -> {
          vertx.cancelTimer(timeout);
          if (done.succeeded()) {
            result.tryComplete(done.result());
          } else {
            result.tryFail(done.cause());
          }
        });
    return result.future();
  }

  private void refused(String why) {
    refusals.computeIfAbsent(why, w -> new AtomicLong()).incrementAndGet();
  }

  private static Caller caller(String apiKey, double usdPerDay, Double localAllowanceUsd) {
    return new Caller(
        apiKey,
        "team",
        Set.of(),
        new AccessConfig.Quota(null, null, usdPerDay, null, null, false, null, localAllowanceUsd));
  }
}
