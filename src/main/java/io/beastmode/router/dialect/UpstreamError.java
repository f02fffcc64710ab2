package io.beastmode.router.dialect;

import io.beastmode.router.api.ApiError;

/**
 * An upstream's error answer, read from its dialect.
 *
 * @param type the upstream's own error type ({@code rate_limit_error}, {@code overloaded_error},
 *     {@code invalid_request_error}, ...)
 */
public record UpstreamError(int status, String type, String message) {

  /** The error to pass on to the caller, rendered later in the caller's dialect. */
  public ApiError toApiError() {
    return ApiError.upstream(status, type, message);
  }
}
