package io.beastmode.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a stream's content events at a model's token rate on Vert.x timers, then finishes it: with
 * its closing events, or by breaking it.
 */
final class PacedStream {
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final List<Buffer> events;
  private final Consumer<HttpServerResponse> finish;
  private final double nanosPerEvent;
  private final long start = System.nanoTime();
  private int next;

  /** A tokensPerSecond of 0 sends every event at once. */
  PacedStream(
      Vertx vertx,
      HttpServerResponse response,
      List<Buffer> events,
      Consumer<HttpServerResponse> finish,
      double tokensPerSecond) {
    this.vertx = vertx;
    this.response = response;
    this.events = events;
    this.finish = finish;
    this.nanosPerEvent = tokensPerSecond == 0 ? 0 : 1e9 / tokensPerSecond;
  }

  /**
   * Writes every event that is due, the first one at once, then finishes the response or waits for
   * the next event. Due times are counted from the start, so timer delays do not add up.
   */
  void writeDue() {
    if (response.closed()) {
      return;
    }
    long elapsed = System.nanoTime() - start;
    while (next < events.size() && next * nanosPerEvent <= elapsed) {
      response.write(events.get(next++));
    }
    if (next == events.size()) {
      finish.accept(response);
      return;
    }
    long waitMs = Math.max(1, (long) Math.ceil((next * nanosPerEvent - elapsed) / 1e6));
    vertx.setTimer(waitMs, id -> writeDue());
  }
}
