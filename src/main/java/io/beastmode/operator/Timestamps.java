package io.beastmode.operator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one way the operator writes a time into status and Events: RFC 3339 in UTC, to the
 * millisecond (failover records are measured in milliseconds). Every time comes from the injected
 * {@link java.time.Clock}.
 */
public final class Timestamps {
  private Timestamps() {}

  /** Reads an RFC 3339 time, with Z or a numeric offset, as users write them in specs. */
  public static Instant parse(String rfc3339) {
    return OffsetDateTime.parse(rfc3339).toInstant();
  }

  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }
}
