package io.beastmode.router.cache;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The answers this router stored or read most recently, kept in its own memory in front of Redis,
 * so a repeated question costs no Redis round trip. Bounded in bytes, least recently used out
 * first; an entry lives no longer than its Redis copy (the expiry stored with the answer).
 * Thread-safe.
 */
final class LocalAnswers {
  /** Rough per-entry bookkeeping beside the key and body bytes. */
  private static final int ENTRY_OVERHEAD_BYTES = 200;

  private record Entry(CachedAnswer answer, int bytes) {}

  private final long maxBytes;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  LocalAnswers(long maxBytes, LongSupplier clockMillis) {
    this.maxBytes = maxBytes;
    this.clock = clockMillis;
  }

  /** The answer kept under {@code key}, null when absent or expired. */
  synchronized CachedAnswer get(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (entry.answer().expiresAtMillis() <= clock.getAsLong()) {
      remove(key);
      return null;
    }
    return entry.answer();
  }

  /**
   * Keeps {@code answer} unless it has no expiry, has expired, or is too large to be worth a share
   * of the budget.
   */
  synchronized void put(String key, CachedAnswer answer) {
    int size = 2 * key.length() + answer.body().length() + ENTRY_OVERHEAD_BYTES;
    if (answer.expiresAtMillis() <= clock.getAsLong() || size > maxBytes / 16) {
      return;
    }
    Entry previous = entries.put(key, new Entry(answer, size));
    bytes += size - (previous == null ? 0 : previous.bytes());
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      bytes -= eldest.next().getValue().bytes();
      eldest.remove();
    }
  }

  synchronized int size() {
    return entries.size();
  }

  private void remove(String key) {
    Entry removed = entries.remove(key);
    if (removed != null) {
      bytes -= removed.bytes();
    }
  }
}
