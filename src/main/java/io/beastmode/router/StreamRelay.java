package io.beastmode.router;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.Consumer;

/**
 * Passes a streamed answer to the client chunk by chunk, with back-pressure, through a {@link
 * StreamPipe} that reads or translates it on the way.
 */
final class StreamRelay {
  private StreamRelay() {}

  /**
   * Relays {@code upstream} (paused) to {@code response} through {@code pipe}. {@code ended} runs
   * once the upstream's stream and what the pipe owes at its end have been written (the response
   * left open for the caller to end); {@code broken} gets an upstream failure midway.
   */
  static void relay(
      HttpClientResponse upstream,
      HttpServerResponse response,
      StreamPipe pipe,
      Runnable ended,
      Consumer<Throwable> broken) {
    response.setChunked(true);
    response.putHeader("cache-control", "no-cache");
    upstream.handler(
        chunk -> {
          Buffer out = pipe.chunk(chunk);
          if (out.length() > 0) {
            response.write(out);
          }
          if (response.writeQueueFull()) {
            upstream.pause();
            response.drainHandler(drained -> upstream.resume());
          }
        });
    upstream.endHandler(
        end -> {
          Buffer rest = pipe.end();
          if (rest.length() > 0) {
            response.write(rest);
          }
          ended.run();
        });
    upstream.exceptionHandler(broken::accept);
    upstream.resume();
  }
}
