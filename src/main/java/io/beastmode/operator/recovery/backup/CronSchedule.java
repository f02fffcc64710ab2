package io.beastmode.operator.recovery.backup;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A five-field cron schedule in UTC (minute, hour, day of month, month, day of week; {@code *},
 * lists, ranges and steps), or {@code @hourly}, {@code @daily}, {@code @weekly}. As in cron, when
 * both day fields are restricted a day matching either is taken. Pure.
 */
public final class CronSchedule {
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean anyDay;
  private final boolean anyWeekday;

  private CronSchedule(String[] fields) {
    minutes = field(fields[0], 0, 59, "minute");
    hours = field(fields[1], 0, 23, "hour");
    days = field(fields[2], 1, 31, "day of month");
    months = field(fields[3], 1, 12, "month");
    weekdays = field(fields[4], 0, 7, "day of week");
    if (weekdays.get(7)) {
      weekdays.set(0); // 7 is Sunday too
    }
    anyDay = fields[2].equals("*");
    anyWeekday = fields[4].equals("*");
  }

  /** Parses a schedule; throws IllegalArgumentException naming the field that is wrong. */
  public static CronSchedule parse(String expression) {
    String text =
        switch (expression.trim()) {
          case "@hourly" -> "0 * * * *";
          case "@daily" -> "0 0 * * *";
          case "@weekly" -> "0 0 * * 0";
          default -> expression.trim();
        };
    String[] fields = text.split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "a schedule has five fields (minute hour day-of-month month day-of-week), not "
              + fields.length);
    }
    return new CronSchedule(fields);
  }

  /** The first time after {@code after} (exclusive, whole minutes) the schedule fires. */
  public Instant next(Instant after) {
    ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    // Four years cover every month-day combination, 29 February included.
    ZonedDateTime limit = t.plusYears(4);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t.toInstant();
      }
    }
    throw new IllegalArgumentException("the schedule never fires (no such date)");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean day = days.get(t.getDayOfMonth());
    boolean weekday =
        weekdays.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    if (anyDay || anyWeekday) {
      return day && weekday;
    }
    return day || weekday;
  }

  private static BitSet field(String text, int min, int max, String name) {
    var values = new BitSet(max + 1);
    for (String part : text.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), 1, max, name, "step");
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(ends[0], min, max, name, "value");
        to = number(ends[1], min, max, name, "value");
        if (to < from) {
          throw new IllegalArgumentException(name + ": range " + range + " runs backwards");
        }
      } else {
        from = number(range, min, max, name, "value");
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        values.set(v);
      }
    }
    return values;
  }

  private static int number(String text, int min, int max, String name, String what) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + ": " + what + " " + value + " is outside " + min + "-" + max);
    }
    return value;
  }
}
