package io.beastmode.operator.recovery;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * How snapshots are named: {@code <policy>-<UTC time>}, e.g. {@code nightly-20261127t134500z}, so
 * that names are valid object names and sort by time.
 */
public final class SnapshotNames {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd't'HHmmss'z'").withZone(ZoneOffset.UTC);

  private SnapshotNames() {}

  public static String of(String policy, Instant takenAt) {
    return policy + "-" + TIME.format(takenAt);
  }

  /** Whether {@code name} is a snapshot of {@code policy}: its name, a dash and a time. */
  public static boolean of(String name, String policy) {
    return name.startsWith(policy + "-")
        && takenAt(name).isPresent()
        && name.length() == policy.length() + 1 + "20261127t030000z".length();
  }

  /** When the named snapshot was taken; empty for a name not made by {@link #of}. */
  public static Optional<Instant> takenAt(String name) {
    int dash = name.lastIndexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(TIME.parse(name.substring(dash + 1))));
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
