package io.beastmode.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.bench.router.LoadGenerator.Result;
import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.testing.Ports;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's load generator against a real HTTP server on loopback. */
class LoadGeneratorTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @Test
  void openLoopLatencyRunsFromTheDueTimeSoAStallShowsInEveryRequestItHeldUp() {
    AtomicInteger seen = new AtomicInteger();
    // The first request is held 500 ms; over one connection, those due meanwhile wait behind it.
    Target target =
        serve(
            request -> {
              if (seen.getAndIncrement() == 0) {
                vertx.setTimer(500, id -> request.response().end("{}"));
              } else {
                request.response().end("{}");
              }
            });
    try (LoadGenerator load = new LoadGenerator(1)) {
      Result result = load.openLoop(target, 100, Duration.ofSeconds(1));

      assertThat(result.requests()).isEqualTo(100);
      assertThat(result.errors()).isZero();
      // Measured from when each was sent, only the held request would be slow (coordinated
      // omission).
      assertThat(
              result
                  .latencyMicros()
                  .getCountBetweenValues(TimeUnit.MILLISECONDS.toMicros(100), Long.MAX_VALUE / 2))
          .isGreaterThan(30);
    }
  }

  @Test
  void answersOtherThan200AreCountedAsErrorsWithTheFirstOneNamed() {
    AtomicInteger seen = new AtomicInteger();
    Target target =
        serve(
            request ->
                request
                    .response()
                    .setStatusCode(seen.incrementAndGet() % 2 == 0 ? 503 : 200)
                    .end("{}"));
    try (LoadGenerator load = new LoadGenerator(4)) {
      Result result = load.closedLoop(target, 2, Duration.ofMillis(300));

      assertThat(result.requests()).isGreaterThan(10);
      assertThat(result.errors()).isBetween(result.requests() / 2 - 2, result.requests() / 2 + 2);
      assertThat(result.firstError()).isEqualTo("status 503");
      assertThat(result.latencyMicros().getTotalCount())
          .isEqualTo(result.requests() - result.errors());
    }
  }

  @Test
  void timeToFirstByteEndsAtTheFirstChunkNotTheWholeAnswer() {
    Target target =
        serve(
            request -> {
              request.response().setChunked(true).write("data: first\n\n");
              vertx.setTimer(1000, id -> request.response().end("data: [DONE]\n\n"));
            });
    try (LoadGenerator load = new LoadGenerator(1)) {
      Result result = load.firstByte(target, Duration.ofMillis(3500));

      assertThat(result.errors()).isZero();
      assertThat(result.requests()).isGreaterThanOrEqualTo(3);
      // Each answer ends a second after its first chunk. The median, not the maximum: one answer
      // whose chunk and end the client read together (seen once, on a busy machine) reads as slow.
      assertThat(result.percentileMs(50)).isLessThan(500);
    }
  }

  private Target serve(Consumer<HttpServerRequest> answer) {
    int port = Ports.free();
    vertx
        .createHttpServer()
        .requestHandler(request -> request.end().onSuccess(ignored -> answer.accept(request)))
        .listen(port)
        .toCompletionStage()
        .toCompletableFuture()
        .join();
    return new Target(
        "http://127.0.0.1:" + port + "/v1/chat/completions",
        MultiMap.caseInsensitiveMultiMap(),
        n -> Buffer.buffer("{\"n\":" + n + "}"));
  }
}
