package io.beastmode.router;

import io.beastmode.router.access.Admission;
import io.beastmode.router.access.KeyRing;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.dialect.Dialect;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Entry point of {@code POST /v1/chat/completions}, {@code /v1/completions}, {@code /v1/responses}
 * and {@code /v1/messages}: admits the request under the in-flight limit, checks its API key
 * (before reading the body), reads its body under the size limit, and hands it to an {@link
 * Exchange}.
 */
final class CompletionHandler implements Handler<RoutingContext> {
  /** Seconds a client is asked to wait when the router is full; requests finish in about that. */
  static final int RETRY_AFTER_SECONDS = 1;

  /** How much of a refused body is read and dropped before the connection is closed. */
  static final long LINGER_BYTES = 64L * 1024 * 1024;

  /** How long a refused body may take to arrive before the connection is closed. */
  static final long LINGER_MILLIS = 10_000;

  private final Endpoint endpoint;
  private final Supplier<RoutingTable> tables;
  private final Supplier<KeyRing> keys;
  private final Exchange.Services services;

  CompletionHandler(
      Endpoint endpoint,
      Supplier<RoutingTable> tables,
      Supplier<KeyRing> keys,
      Exchange.Services services) {
    this.endpoint = endpoint;
    this.tables = tables;
    this.keys = keys;
    this.services = services;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RoutingTable table = tables.get();
    RouterMetrics metrics = services.metrics();
    if (!metrics.tryAdmit(table.config().limits().maxInFlight)) {
      metrics.rejected();
      Replies.sendError(
          ctx.response(),
          ApiError.overloaded(RETRY_AFTER_SECONDS),
          services.region(),
          Dialect.valueOf(endpoint.name()));
      return;
    }
    Admission admission =
        keys.get().admit(PresentedKey.from(ctx.request()::getHeader), services.clock().instant());
    Exchange exchange = new Exchange(ctx, endpoint, table, admission, services, System.nanoTime());
    if (admission.refused()) {
      // The body is never read: close the connection rather than drain it.
      exchange.fail(admission.error(), true);
      return;
    }
    if (admission.caller() != null) {
      services.keyUse().used(admission.caller(), System.currentTimeMillis());
    }
    readBody(
        ctx.request(),
        table.config().limits().maxRequestBytes,
        exchange::start,
        error -> exchange.fail(error, false),
        exchange::clientGone);
  }

  /**
   * Collects the body, refusing it as soon as it passes the limit instead of buffering it all. The
   * refusal is answered at once and the rest of the body read and dropped (up to {@link
   * #LINGER_BYTES} and {@link #LINGER_MILLIS}), as nginx's lingering close does: a client that
   * sends its whole body before it reads (most HTTP clients do) would otherwise meet a closed
   * connection and never see the 413 or its body.
   */
  static void readBody(
      HttpServerRequest request,
      int limit,
      Consumer<Buffer> received,
      Consumer<ApiError> refused,
      Runnable gone) {
    String declared = request.getHeader("content-length");
    if (declared != null && parseLength(declared) > limit) {
      refuseAndLinger(request, limit, refused);
      return;
    }
    Buffer body = Buffer.buffer();
    boolean[] tooLarge = {false};
    request.handler(
        chunk -> {
          if (tooLarge[0]) {
            return;
          }
          if (body.length() + chunk.length() > limit) {
            tooLarge[0] = true;
            refuseAndLinger(request, limit, refused);
          } else {
            body.appendBuffer(chunk);
          }
        });
    request.endHandler(
        end -> {
          if (!tooLarge[0]) {
            received.accept(body);
          }
        });
    request.exceptionHandler(error -> gone.run());
    request.resume();
  }

  /** Drops what is left of a body refused for its size, closing the connection past the bounds. */
  private static void refuseAndLinger(
      HttpServerRequest request, int limit, Consumer<ApiError> refused) {
    refused.accept(ApiError.tooLarge(limit));
    Vertx vertx = Vertx.currentContext().owner();
    long[] dropped = {0};
    long timer = vertx.setTimer(LINGER_MILLIS, expired -> request.connection().close());
    request.handler(
        chunk -> {
          dropped[0] += chunk.length();
          if (dropped[0] > LINGER_BYTES) {
            vertx.cancelTimer(timer);
            request.connection().close();
          }
        });
    request.endHandler(end -> vertx.cancelTimer(timer));
    request.resume();
  }

  private static long parseLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
