package io.beastmode.operator;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one way the operator writes a time into status and Events: RFC 3339 in UTC, to the
 * millisecond (failover records are measured in milliseconds). Every time comes from the injected
 * {@link java.time.Clock}.
 */
public final class Timestamps {
  private Timestamps() {}

  public static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
  }
}
