package io.beastmode.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test or benchmark started, stopped in the reverse order (what started last may use what
 * started before it). A part that fails to stop is reported and does not keep the others running.
 */
public final class Running implements AutoCloseable {
  private final List<AutoCloseable> parts = new ArrayList<>();

  /** Adds {@code part} to what {@link #close()} stops; returns it. */
  public synchronized <T extends AutoCloseable> T add(T part) {
    parts.add(part);
    return part;
  }

  @Override
  public synchronized void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        System.err.println("stopping " + parts.get(i) + ": " + e.getMessage());
      }
    }
    parts.clear();
  }
}
