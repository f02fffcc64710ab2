package io.beastmode.router.access;

import java.util.Locale;
import java.util.function.Function;

/**
 * The API key a caller presented, and the header it came in, so a request forwarded to a peer
 * region carries it the same way. {@link #toString} never shows the value.
 *
 * @param header the header name, lower case: {@code authorization}, {@code api-key} or {@code
 *     x-api-key}
 * @param headerValue the header's value as sent (for {@code authorization}, with its scheme)
 * @param value the key itself
 */
public record PresentedKey(String header, String headerValue, String value) {
  public static final String AUTHORIZATION = "authorization";
  public static final String API_KEY = "api-key";
  public static final String X_API_KEY = "x-api-key";

  private static final String BEARER = "bearer ";

  /**
   * The key in a request's headers, looked up with {@code headers} (case-insensitively, as HTTP
   * headers are): {@code Authorization: Bearer <key>} first, then {@code api-key}, then {@code
   * x-api-key}. Null when none holds a key; an {@code Authorization} header of another scheme holds
   * none.
   */
  public static PresentedKey from(Function<String, String> headers) {
    String authorization = headers.apply(AUTHORIZATION);
    if (authorization != null) {
      String trimmed = authorization.trim();
      if (trimmed.length() > BEARER.length()
          && trimmed.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
        String key = trimmed.substring(BEARER.length()).trim();
        if (!key.isEmpty()) {
          return new PresentedKey(AUTHORIZATION, authorization, key);
        }
      }
    }
    for (String name : new String[] {API_KEY, X_API_KEY}) {
      String value = headers.apply(name);
      if (value != null && !value.isBlank()) {
        return new PresentedKey(name, value, value.trim());
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "PresentedKey[" + header + "]";
  }
}
