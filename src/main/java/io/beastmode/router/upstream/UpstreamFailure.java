package io.beastmode.router.upstream;

import io.beastmode.api.v1alpha1.FallbackTrigger;
import io.vertx.core.buffer.Buffer;

/**
 * An upstream call that failed before the first byte reached the client, with the kind of failure
 * that decides whether the router retries, falls back, or answers the client with it.
 */
public final class UpstreamFailure extends RuntimeException {
  private final FallbackTrigger trigger;
  private final int status;
  private final Buffer body;

  private UpstreamFailure(FallbackTrigger trigger, int status, Buffer body, String message) {
    super(message, null, false, false);
    this.trigger = trigger;
    this.status = status;
    this.body = body;
  }

  /** An HTTP answer that is a failure: 429 is rate limiting, 5xx a server error. */
  public static UpstreamFailure ofStatus(int status, Buffer body) {
    FallbackTrigger trigger =
        status == 429 ? FallbackTrigger.rateLimited : FallbackTrigger.serverError;
    return new UpstreamFailure(trigger, status, body, "upstream answered " + status);
  }

  public static UpstreamFailure connection(Throwable cause) {
    return new UpstreamFailure(
        FallbackTrigger.connectionError, 0, null, "connection failed: " + cause.getMessage());
  }

  public static UpstreamFailure timeout(String message) {
    return new UpstreamFailure(FallbackTrigger.timeout, 0, null, message);
  }

  public FallbackTrigger trigger() {
    return trigger;
  }

  /** The upstream's HTTP status, 0 when it never answered. */
  public int status() {
    return status;
  }

  /** The upstream's error body, null when it never answered. */
  public Buffer body() {
    return body;
  }

  /** Worth trying the same backend again after a pause: not when it asked us to slow down. */
  public boolean retriable() {
    return trigger != FallbackTrigger.rateLimited;
  }
}
