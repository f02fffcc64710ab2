package io.beastmode.router;

import io.beastmode.router.api.ApiError;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.ErrorRenderer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The router's own response headers, its error answers in the caller's dialect, and how it writes
 * USD.
 */
final class Replies {
  private Replies() {}

  static final String HEADER_MODEL = "x-beastmode-model";
  static final String HEADER_CACHE = "x-beastmode-cache";
  static final String HEADER_REGION = "x-beastmode-region";
  static final String HEADER_COST = "x-beastmode-cost-usd";
  static final String HEADER_DECISION = "x-beastmode-decision";
  static final String HEADER_DEBUG = "x-beastmode-debug";

  /** The id of a learned decision, for feedback on its answer ({@code POST /v1/feedback}). */
  static final String HEADER_REQUEST_ID = "x-beastmode-request-id";

  static final String HEADER_DOMAIN = "x-beastmode-domain";

  /** Set on a request forwarded to a peer region, so the peer never forwards it again. */
  static final String HEADER_FORWARDED_FROM = "x-beastmode-forwarded-from";

  static void sendError(HttpServerResponse response, ApiError error, String region) {
    sendError(response, error, region, Dialect.chat);
  }

  /** An error in the caller's dialect: OpenAI's shape, or Anthropic's for Messages. */
  static void sendError(
      HttpServerResponse response, ApiError error, String region, Dialect dialect) {
    response
        .setStatusCode(error.status())
        .putHeader("content-type", "application/json")
        .putHeader(HEADER_REGION, region);
    if (error.retryAfterSeconds() != null) {
      response.putHeader("retry-after", Integer.toString(error.retryAfterSeconds()));
    }
    response.end(Buffer.buffer(ErrorRenderer.body(dialect, error)));
  }

  static void putIfPresent(HttpServerResponse response, String name, String value) {
    if (value != null) {
      response.putHeader(name, value);
    }
  }

  /** Eight decimals, rounded half up; String.format costs several times more on every answer. */
  static String usd(double value) {
    return BigDecimal.valueOf(value).setScale(8, RoundingMode.HALF_UP).toPlainString();
  }
}
