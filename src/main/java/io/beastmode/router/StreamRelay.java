package io.beastmode.router;

import io.beastmode.router.upstream.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Passes a streamed answer to the client chunk by chunk, with back-pressure, counting its tokens as
 * it goes.
 */
final class StreamRelay {
  private StreamRelay() {}

  /**
   * Relays {@code upstream} (paused) to {@code response}. At the end {@code ended} gets the usage
   * and, with {@code keepCopy}, the whole stream (else null); {@code broken} gets an upstream
   * failure midway.
   */
  static void relay(
      HttpClientResponse upstream,
      HttpServerResponse response,
      int promptEstimate,
      boolean keepCopy,
      BiConsumer<Usage, Buffer> ended,
      Consumer<Throwable> broken) {
    response.setChunked(true);
    response.putHeader("cache-control", "no-cache");
    Usage.StreamTally tally = new Usage.StreamTally(promptEstimate);
    Buffer copy = keepCopy ? Buffer.buffer() : null;
    upstream.handler(
        chunk -> {
          response.write(chunk);
          tally.feed(chunk);
          if (copy != null) {
            copy.appendBuffer(chunk);
          }
          if (response.writeQueueFull()) {
            upstream.pause();
            response.drainHandler(drained -> upstream.resume());
          }
        });
    upstream.endHandler(end -> ended.accept(tally.usage(), copy));
    upstream.exceptionHandler(broken::accept);
    upstream.resume();
  }
}
