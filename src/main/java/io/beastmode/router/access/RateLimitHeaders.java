package io.beastmode.router.access;

import io.beastmode.wire.AccessConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's rate-limit headers for a keyed answer: limit, remaining and reset of requests and tokens
 * per minute, for the limits the key has.
 */
public record RateLimitHeaders(Map<String, String> values) {
  static final RateLimitHeaders NONE = new RateLimitHeaders(Map.of());

  static RateLimitHeaders of(
      AccessConfig.Quota quota, long requestsLeft, long tokensLeft, long resetMillis) {
    var values = new LinkedHashMap<String, String>();
    if (quota.requestsPerMinute() != null) {
      put(values, "requests", quota.requestsPerMinute(), requestsLeft, resetMillis);
    }
    if (quota.tokensPerMinute() != null) {
      put(values, "tokens", quota.tokensPerMinute(), tokensLeft, resetMillis);
    }
    return new RateLimitHeaders(Map.copyOf(values));
  }

  /** The headers of the limit that refused a request. */
  static RateLimitHeaders refused(
      AccessConfig.Quota quota, boolean requests, long left, long resetMillis) {
    var values = new LinkedHashMap<String, String>();
    if (requests) {
      put(values, "requests", quota.requestsPerMinute(), left, resetMillis);
    } else {
      put(values, "tokens", quota.tokensPerMinute(), left, resetMillis);
    }
    return new RateLimitHeaders(Map.copyOf(values));
  }

  private static void put(
      Map<String, String> values, String what, int limit, long left, long resetMillis) {
    values.put("x-ratelimit-limit-" + what, Integer.toString(limit));
    values.put("x-ratelimit-remaining-" + what, Long.toString(Math.max(0, left)));
    values.put("x-ratelimit-reset-" + what, duration(resetMillis));
  }

  /** As OpenAI writes it: 20ms, 6s, 1m0s. */
  static String duration(long millis) {
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = (millis + 999) / 1000;
    return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
  }
}
