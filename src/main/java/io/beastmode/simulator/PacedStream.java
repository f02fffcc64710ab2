package io.beastmode.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/** Writes a stream's word events at a model's token rate on Vert.x timers, then its closing. */
final class PacedStream {
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final List<Buffer> words;
  private final Buffer closing;
  private final double nanosPerWord;
  private final long start = System.nanoTime();
  private int next;

  /** A tokensPerSecond of 0 sends every event at once. */
  PacedStream(
      Vertx vertx,
      HttpServerResponse response,
      List<Buffer> words,
      Buffer closing,
      double tokensPerSecond) {
    this.vertx = vertx;
    this.response = response;
    this.words = words;
    this.closing = closing;
    this.nanosPerWord = tokensPerSecond == 0 ? 0 : 1e9 / tokensPerSecond;
  }

  /**
   * Writes every word that is due, the first one at once, then ends the response or waits for the
   * next word. Due times are counted from the start, so timer delays do not add up.
   */
  void writeDue() {
    if (response.closed()) {
      return;
    }
    long elapsed = System.nanoTime() - start;
    while (next < words.size() && next * nanosPerWord <= elapsed) {
      response.write(words.get(next++));
    }
    if (next == words.size()) {
      response.end(closing);
      return;
    }
    long waitMs = Math.max(1, (long) Math.ceil((next * nanosPerWord - elapsed) / 1e6));
    vertx.setTimer(waitMs, id -> writeDue());
  }
}
