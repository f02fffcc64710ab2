package io.beastmode.operator.recovery.snapshot;

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

  private static final String CHANGE_SET = "-c";

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

  /**
   * The name of a base snapshot's change set number {@code sequence}: {@code <base>-c<6 digits>},
   * e.g. {@code nightly-20261127t134500z-c000012}. Later ones sort after earlier ones.
   */
  public static String changeSet(String base, int sequence) {
    return base + CHANGE_SET + String.format(java.util.Locale.ROOT, "%06d", sequence);
  }

  /** The base snapshot of a change set's name; empty for any other name. */
  public static Optional<String> baseOf(String name) {
    int at = name.lastIndexOf(CHANGE_SET);
    if (at < 0 || !name.substring(at + CHANGE_SET.length()).matches("[0-9]{6}")) {
      return Optional.empty();
    }
    String base = name.substring(0, at);
    return takenAt(base).isPresent() ? Optional.of(base) : Optional.empty();
  }

  /** The sequence number of a change set's name; 0 for any other name. */
  public static int sequenceOf(String name) {
    return baseOf(name).map(base -> Integer.parseInt(name.substring(base.length() + 2))).orElse(0);
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
