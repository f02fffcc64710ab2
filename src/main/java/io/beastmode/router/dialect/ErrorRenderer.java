package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;

/**
 * Errors in the caller's dialect. OpenAI's dialects keep {@link ApiError#body()} exactly; Anthropic
 * Messages gets {@code {"type":"error","error":{"type","message"}}} with the type its SDK maps to
 * an exception class by status.
 */
public final class ErrorRenderer {
  private ErrorRenderer() {}

  public static byte[] body(Dialect dialect, ApiError error) {
    return switch (dialect) {
      case chat, completions, responses -> error.body();
      case messages -> Json.bytes(anthropic(anthropicType(error.status()), error.getMessage()));
    };
  }

  /** Anthropic's error object: {@code {"type":"error","error":{"type":...,"message":...}}}. */
  static ObjectNode anthropic(String type, String message) {
    ObjectNode root = Json.object().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    return root;
  }

  /** Anthropic's error type for an HTTP status. */
  public static String anthropicType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 503, 529 -> "overloaded_error";
      case 504 -> "timeout_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  /** The HTTP status Anthropic answers with for an error type (529 for overloaded). */
  public static int anthropicStatus(String type) {
    return switch (type) {
      case "authentication_error" -> 401;
      case "billing_error" -> 402;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case "overloaded_error" -> 529;
      case "timeout_error" -> 504;
      case "api_error" -> 500;
      default -> 400;
    };
  }
}
