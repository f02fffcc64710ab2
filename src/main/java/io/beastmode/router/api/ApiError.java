package io.beastmode.router.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error answered in the OpenAI shape: {@code {"error":{"message","type","param","code"}}}.
 * Thrown by request parsing and selection; the handler turns it into the response.
 */
public final class ApiError extends RuntimeException {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int status;
  private final String type;
  private final String code;
  private final String param;
  private final Integer retryAfterSeconds;

  private ApiError(
      int status,
      String type,
      String code,
      String param,
      String message,
      Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** 400: the body is not what the API accepts; {@code param} names the offending field. */
  public static ApiError invalid(String param, String message) {
    return new ApiError(400, "invalid_request_error", "invalid_value", param, message, null);
  }

  public static ApiError tooLarge(long limitBytes) {
    return new ApiError(
        413,
        "invalid_request_error",
        "request_too_large",
        null,
        "request body is larger than the limit of " + limitBytes + " bytes",
        null);
  }

  public static ApiError unknownModel(String model) {
    return new ApiError(
        404,
        "invalid_request_error",
        "model_not_found",
        "model",
        "the model '" + model + "' does not exist on this router",
        null);
  }

  public static ApiError noneHealthy(String detail) {
    return new ApiError(503, "service_unavailable", "no_healthy_backend", null, detail, null);
  }

  public static ApiError internal() {
    return new ApiError(
        500,
        "server_error",
        "internal_error",
        null,
        "the router failed to handle the request",
        null);
  }

  public static ApiError overloaded(int retryAfterSeconds) {
    return new ApiError(
        429,
        "rate_limit_error",
        "router_overloaded",
        null,
        "too many requests in flight on this router; retry after " + retryAfterSeconds + " s",
        retryAfterSeconds);
  }

  /**
   * 429 when a key's per-minute limit is reached, as OpenAI words it.
   *
   * @param what requests or tokens
   */
  public static ApiError rateLimited(String what, Integer limit, long retryAfterSeconds) {
    return new ApiError(
        429,
        what,
        "rate_limit_exceeded",
        null,
        "Rate limit reached for "
            + what
            + " per minute: Limit "
            + limit
            + ". Please try again in "
            + retryAfterSeconds
            + "s.",
        (int) retryAfterSeconds);
  }

  /** 429 when a key's budget is spent for its period. */
  public static ApiError quotaSpent(String budget, long retryAfterSeconds) {
    return new ApiError(
        429,
        "insufficient_quota",
        "insufficient_quota",
        null,
        "You exceeded your current quota: the key's "
            + budget
            + " is spent. It renews in "
            + retryAfterSeconds
            + "s.",
        (int) Math.min(Integer.MAX_VALUE, retryAfterSeconds));
  }

  /**
   * 429 when a key's budget cannot be checked (the region's ledger is unreachable) and the key has
   * no local allowance left: refused rather than spent unchecked.
   */
  public static ApiError budgetUncheckable(long retryAfterSeconds) {
    return new ApiError(
        429,
        "budget",
        "ledger_unreachable",
        null,
        "The key's budget cannot be checked right now (its region's ledger is unreachable)."
            + " Please try again in "
            + retryAfterSeconds
            + "s.",
        (int) retryAfterSeconds);
  }

  /** 404: feedback names a decision this router's region does not keep (unknown or expired). */
  public static ApiError unknownDecision(String id) {
    return new ApiError(
        404,
        "invalid_request_error",
        "decision_not_found",
        "id",
        "no learned decision with id '"
            + id
            + "' awaits feedback (unknown, expired or already rated)",
        null);
  }

  public static ApiError notFound(String path) {
    return new ApiError(
        404, "invalid_request_error", "not_found", null, "no route for " + path, null);
  }

  /** 401: mode keys and the request presented no key. */
  public static ApiError missingApiKey() {
    return new ApiError(
        401,
        "invalid_request_error",
        "invalid_api_key",
        null,
        "You didn't provide an API key. You need to provide your API key in an Authorization"
            + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or in an api-key"
            + " or x-api-key header.",
        null);
  }

  /**
   * 401: the key presented is unknown or expired. Never names the key: the message is the same
   * whatever was sent.
   */
  public static ApiError invalidApiKey() {
    return new ApiError(
        401,
        "invalid_request_error",
        "invalid_api_key",
        null,
        "Incorrect API key provided. Check the key your client sends, or ask for a new one.",
        null);
  }

  /** 403: the caller's key does not allow the model (or alias) it asked for. */
  public static ApiError modelNotAllowed(String model) {
    return new ApiError(
        403,
        "invalid_request_error",
        "model_not_allowed",
        "model",
        "the API key provided may not use the model '" + model + "'",
        null);
  }

  /**
   * An upstream's error passed on to the caller: its status, and its error type and message
   * (translated into the caller's dialect when it is rendered).
   */
  public static ApiError upstream(int status, String type, String message) {
    return new ApiError(status, type, null, null, message, null);
  }

  /** OpenAI's error type: invalid_request_error, requests, tokens, insufficient_quota, ... */
  public String type() {
    return type;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String param() {
    return param;
  }

  /** Seconds for the Retry-After header, or null when the client should not retry by itself. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public byte[] body() {
    ObjectNode error = JSON.createObjectNode();
    error.put("message", getMessage());
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    ObjectNode root = JSON.createObjectNode();
    root.set("error", error);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
