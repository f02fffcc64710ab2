package io.beastmode.bench.router;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongFunction;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * HTTP load from this process over pooled keep-alive connections: closed loops of a fixed number of
 * clients, and open-loop fixed rates. An open-loop request's latency runs from the moment it was
 * due, not from when it could be sent, so a stalled server shows in every request it held up (no
 * coordinated omission).
 */
public final class LoadGenerator implements AutoCloseable {
  /** Longest a request may take before it counts as an error. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Where and what to send.
   *
   * @param url absolute URL of the completion endpoint
   * @param bodies the body of the n-th request
   */
  public record Target(String url, MultiMap headers, LongFunction<Buffer> bodies) {}

  /** Latencies in microseconds; errors are non-200 answers, failed connections and timeouts. */
  public record Result(
      long requests, long errors, double seconds, Histogram latencyMicros, String firstError) {
    public double throughput() {
      return (requests - errors) / seconds;
    }

    public double percentileMs(double percentile) {
      return latencyMicros.getTotalCount() == 0
          ? Double.NaN
          : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  private final Vertx vertx;
  private final HttpClient http;
  private final AtomicLong sequence = new AtomicLong();
  private final Context[] senders;

  public LoadGenerator(int maxConnections) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
    // Called from a thread outside Vert.x, each call makes a new context, on the event loops in
    // turn.
    this.senders = new Context[] {vertx.getOrCreateContext(), vertx.getOrCreateContext()};
  }

  /**
   * {@code clients} each send their next request as soon as the last one is answered, for {@code
   * length}.
   */
  public Result closedLoop(Target target, int clients, Duration length) {
    Run run = new Run();
    CountDownLatch done = new CountDownLatch(clients);
    long end = System.nanoTime() + length.toNanos();
    for (int c = 0; c < clients; c++) {
      vertx.runOnContext(ignored -> nextInLoop(target, run, end, done));
    }
    await(done, length.plus(REQUEST_TIMEOUT));
    return run.result();
  }

  private void nextInLoop(Target target, Run run, long end, CountDownLatch done) {
    if (System.nanoTime() >= end) {
      done.countDown();
      return;
    }
    long sent = System.nanoTime();
    send(target, null)
        .onComplete(
            answer -> {
              run.record(sent, answer);
              // Through the event loop's queue, so failures that complete at once do not nest ever
              // deeper.
              vertx.runOnContext(ignored -> nextInLoop(target, run, end, done));
            });
  }

  /**
   * Sends {@code rate} requests a second for {@code length}, each when due whatever is still in
   * flight.
   */
  public Result openLoop(Target target, int rate, Duration length) {
    Run run = new Run();
    long total = Math.max(1, rate * length.toMillis() / 1000);
    CountDownLatch done = new CountDownLatch((int) total);
    double intervalNanos = 1e9 / rate;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + (long) (i * intervalNanos);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      // Sent from an event loop: here, requests made from this thread now and then never completed
      // under load.
      senders[(int) (i % senders.length)].runOnContext(
          ignored ->
              send(target, null)
                  .onComplete(
                      answer -> {
                        run.record(due, answer);
                        done.countDown();
                      }));
    }
    await(done, REQUEST_TIMEOUT.plusSeconds(5));
    return run.result(total);
  }

  /**
   * One streamed request at a time for {@code length}; the latency is the time to the first byte of
   * the body.
   */
  Result firstByte(Target target, Duration length) {
    Run run = new Run();
    long end = System.nanoTime() + length.toNanos();
    while (System.nanoTime() < end) {
      long sent = System.nanoTime();
      Promise<Long> firstByte = Promise.promise();
      Future<Integer> status = send(target, firstByte);
      String error;
      try {
        int code =
            status
                .toCompletionStage()
                .toCompletableFuture()
                .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        error =
            code != 200
                ? "status " + code
                : firstByte.future().failed() ? firstByte.future().cause().getMessage() : null;
      } catch (Exception e) {
        error = String.valueOf(e.getMessage());
      }
      run.record(sent, error == null ? firstByte.future().result() : System.nanoTime(), error);
    }
    return run.result();
  }

  /**
   * Completes with the status once the whole answer is in; {@code firstByte} (null: not wanted)
   * with the time its first body byte came.
   */
  private Future<Integer> send(Target target, Promise<Long> firstByte) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(target.url())
            .setHeaders(target.headers())
            .setIdleTimeout(REQUEST_TIMEOUT.toMillis());
    Buffer body = target.bodies().apply(sequence.incrementAndGet());
    return http.request(options)
        .compose(request -> request.send(body))
        .compose(
            response -> {
              if (firstByte == null) {
                return response.body().map(ignored -> response.statusCode());
              }
              Promise<Integer> end = Promise.promise();
              try {
                response.handler(chunk -> firstByte.tryComplete(System.nanoTime()));
                response.endHandler(
                    ignored -> {
                      firstByte.tryFail("the answer had no body");
                      end.tryComplete(response.statusCode());
                    });
                response.exceptionHandler(end::tryFail);
              } catch (IllegalStateException alreadyRead) {
                // A short answer can be whole before the handlers are set: its first byte is no
                // later than now.
                firstByte.tryComplete(System.nanoTime());
                end.tryComplete(response.statusCode());
              }
              return end.future();
            });
  }

  private static void await(CountDownLatch latch, Duration limit) {
    try {
      latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  /** The figures of one measurement as they come in, from any thread. */
  private static final class Run {
    private final long start = System.nanoTime();
    private final ConcurrentHistogram latencies =
        new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 3);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile long lastEnd = start;
    private volatile String firstError;

    void record(long startedNanos, AsyncResult<Integer> answer) {
      String error =
          answer.failed()
              ? String.valueOf(answer.cause().getMessage())
              : answer.result() != 200 ? "status " + answer.result() : null;
      record(startedNanos, System.nanoTime(), error);
    }

    /** {@code error} null for a good answer. */
    void record(long startedNanos, long answeredNanos, String error) {
      requests.incrementAndGet();
      lastEnd = Math.max(lastEnd, answeredNanos);
      if (error == null) {
        latencies.recordValue(
            Math.min(
                latencies.getHighestTrackableValue(),
                Math.max(0, (answeredNanos - startedNanos) / 1000)));
      } else {
        errors.incrementAndGet();
        if (firstError == null) {
          firstError = error;
        }
      }
    }

    Result result() {
      return result(requests.get());
    }

    /** With {@code sent} requests, of which those never answered count as errors. */
    Result result(long sent) {
      long unanswered = Math.max(0, sent - requests.get());
      return new Result(
          sent,
          errors.get() + unanswered,
          Math.max(1, lastEnd - start) / 1e9,
          latencies.copy(),
          firstError != null
              ? firstError
              : unanswered > 0 ? "no answer in " + REQUEST_TIMEOUT.toSeconds() + " s" : null);
    }
  }
}
