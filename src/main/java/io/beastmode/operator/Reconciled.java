package io.beastmode.operator;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each LLMRouter was last reconciled through all its regions by this process: a promoted hub
 * is "reconciling" once every router has been, after the promotion.
 */
@Singleton
public class Reconciled {
  private final Map<String, Instant> routers = new ConcurrentHashMap<>();

  public void router(String key, Instant at) {
    routers.put(key, at);
  }

  /** Whether every router in {@code keys} was reconciled at or after {@code since}. */
  public boolean allSince(Collection<String> keys, Instant since) {
    return keys.stream().allMatch(k -> routers.getOrDefault(k, Instant.MIN).compareTo(since) >= 0);
  }
}
