package io.beastmode.router.access;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The last time each key was used on this pod since the last heartbeat took them. */
public final class KeyUseTracker {
  private final Map<String, Long> lastUsed = new ConcurrentHashMap<>();

  public void used(Caller caller, long epochMillis) {
    lastUsed.merge(caller.apiKey(), epochMillis, Math::max);
  }

  /** What was used since the last call, and forgets it. */
  public Map<String, Long> drain() {
    var drained = new HashMap<String, Long>();
    for (var key : lastUsed.keySet()) {
      Long at = lastUsed.remove(key);
      if (at != null) {
        drained.put(key, at);
      }
    }
    return drained;
  }

  /** Puts back what a failed write did not store, keeping anything newer. */
  public void restore(Map<String, Long> unsaved) {
    unsaved.forEach((key, at) -> lastUsed.merge(key, at, Math::max));
  }
}
