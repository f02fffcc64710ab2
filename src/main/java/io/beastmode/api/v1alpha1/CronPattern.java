package io.beastmode.api.v1alpha1;

/**
 * The schedules the API server accepts: five cron fields, each a list of {@code *}, a number or a
 * range, optionally with a step, every number within its field's range (minute 0-59, hour 0-23, day
 * 1-31, month 1-12, day of week 0-7), or {@code @hourly}, {@code @daily}, {@code @weekly}. Spelled
 * out, as an annotation value must be a constant; CronPatternTest checks it field by field.
 */
public final class CronPattern {
  public static final String SCHEDULE =
      "^(@(hourly|daily|weekly)|((\\*|[0-5]?[0-9](-[0-5]?[0-9])?)(/[1-9][0-9]?)?(,(\\*|[0-5]?[0-9](-[0-5]?[0-9])?)(/[1-9][0-9]?)?)*)\\s+((\\*|(2[0-3]|[01]?[0-9])(-(2[0-3]|[01]?[0-9]))?)(/[1-9][0-9]?)?(,(\\*|(2[0-3]|[01]?[0-9])(-(2[0-3]|[01]?[0-9]))?)(/[1-9][0-9]?)?)*)\\s+((\\*|(3[01]|[12][0-9]|0?[1-9])(-(3[01]|[12][0-9]|0?[1-9]))?)(/[1-9][0-9]?)?(,(\\*|(3[01]|[12][0-9]|0?[1-9])(-(3[01]|[12][0-9]|0?[1-9]))?)(/[1-9][0-9]?)?)*)\\s+((\\*|(1[0-2]|0?[1-9])(-(1[0-2]|0?[1-9]))?)(/[1-9][0-9]?)?(,(\\*|(1[0-2]|0?[1-9])(-(1[0-2]|0?[1-9]))?)(/[1-9][0-9]?)?)*)\\s+((\\*|[0-7](-[0-7])?)(/[1-9][0-9]?)?(,(\\*|[0-7](-[0-7])?)(/[1-9][0-9]?)?)*))$";

  private CronPattern() {}
}
