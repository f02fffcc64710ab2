package io.beastmode.router.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;

/**
 * A non-failure answer from an upstream: a 2xx, or a 4xx that is the client's own fault and goes
 * back to it unchanged. Either the whole body (a non-streamed answer) or the response, paused at
 * its headers, for the caller to pass through as it arrives.
 */
public record UpstreamReply(int status, MultiMap headers, Buffer body, HttpClientResponse stream) {

  public boolean streaming() {
    return stream != null;
  }

  public String contentType() {
    return headers.get("content-type");
  }

  public boolean ok() {
    return status / 100 == 2;
  }
}
