package io.beastmode.operator.autoscale;

import java.util.Arrays;

/**
 * Additive Holt-Winters forecasting: a level, a trend and a repeating season (a day of buckets),
 * each smoothed as new buckets arrive. With less than two seasons of history there is no season to
 * learn and it falls back to level and trend alone. Pure.
 *
 * <p>Besides the point forecast it keeps the spread of its one-step errors, so a caller can ask for
 * a forecast that is exceeded only rarely rather than half of the time.
 */
public final class HoltWinters {

  /**
   * Smoothing factors, each in (0, 1]: how much the newest bucket moves the level, the trend and
   * the season.
   */
  public record Smoothing(double level, double trend, double season) {
    public static final Smoothing DEFAULT = new Smoothing(0.3, 0.02, 0.3);
  }

  private final int seasonLength;
  private final double level;
  private final double trend;
  private final double[] season;
  private final int nextSeasonIndex;
  private final double errorSpread;

  private HoltWinters(
      int seasonLength,
      double level,
      double trend,
      double[] season,
      int nextSeasonIndex,
      double errorSpread) {
    this.seasonLength = seasonLength;
    this.level = level;
    this.trend = trend;
    this.season = season;
    this.nextSeasonIndex = nextSeasonIndex;
    this.errorSpread = errorSpread;
  }

  /**
   * Fits the model to {@code series}, oldest first, one value per bucket.
   *
   * @param seasonLength buckets in one season, for example 288 five-minute buckets in a day
   */
  public static HoltWinters fit(double[] series, int seasonLength, Smoothing smoothing) {
    if (series.length == 0) {
      return new HoltWinters(seasonLength, 0, 0, new double[0], 0, 0);
    }
    boolean seasonal = seasonLength > 1 && series.length >= 2 * seasonLength;
    double[] season = seasonal ? initialSeason(series, seasonLength) : new double[0];
    int start = seasonal ? seasonLength : 1;
    double level = seasonal ? mean(series, 0, seasonLength) : series[0];
    double trend =
        seasonal
            ? (mean(series, seasonLength, 2 * seasonLength) - mean(series, 0, seasonLength))
                / seasonLength
            : 0;
    double[] errors = new double[Math.max(0, series.length - start)];
    for (int t = start; t < series.length; t++) {
      double seasonal_t = seasonal ? season[t % seasonLength] : 0;
      double predicted = level + trend + seasonal_t;
      errors[t - start] = Math.abs(series[t] - predicted);
      double previousLevel = level;
      level =
          smoothing.level() * (series[t] - seasonal_t) + (1 - smoothing.level()) * (level + trend);
      trend = smoothing.trend() * (level - previousLevel) + (1 - smoothing.trend()) * trend;
      if (seasonal) {
        season[t % seasonLength] =
            smoothing.season() * (series[t] - level) + (1 - smoothing.season()) * seasonal_t;
      }
    }
    return new HoltWinters(
        seasonLength,
        level,
        trend,
        season,
        series.length % Math.max(seasonLength, 1),
        robustSpread(errors));
  }

  /** Expected value {@code steps} buckets after the last one fitted (1 is the next bucket). */
  public double forecast(int steps) {
    double seasonal = season.length == 0 ? 0 : season[(nextSeasonIndex + steps - 1) % seasonLength];
    return level + steps * trend + seasonal;
  }

  /**
   * A forecast exceeded only about as often as {@code deviations} standard deviations of the
   * one-step error allow (1.28 for about one bucket in ten), never below zero.
   */
  public double upperForecast(int steps, double deviations) {
    return Math.max(0, forecast(steps) + deviations * errorSpread);
  }

  /** Whether a daily season was learned (at least two seasons of history). */
  public boolean seasonal() {
    return season.length > 0;
  }

  /** Spread of the one-step errors while fitting, as a standard deviation. */
  public double errorSpread() {
    return errorSpread;
  }

  /** Each bucket's offset from its season's mean, averaged over the first two seasons. */
  private static double[] initialSeason(double[] series, int seasonLength) {
    double first = mean(series, 0, seasonLength);
    double second = mean(series, seasonLength, 2 * seasonLength);
    double[] season = new double[seasonLength];
    for (int i = 0; i < seasonLength; i++) {
      season[i] = ((series[i] - first) + (series[seasonLength + i] - second)) / 2;
    }
    return season;
  }

  /**
   * The median absolute error scaled to a standard deviation: one-off bursts in the history would
   * inflate a root mean square and with it the headroom of every later forecast.
   */
  private static double robustSpread(double[] absoluteErrors) {
    if (absoluteErrors.length == 0) {
      return 0;
    }
    double[] sorted = absoluteErrors.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    double median = sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return 1.4826 * median;
  }

  private static double mean(double[] series, int from, int to) {
    return Arrays.stream(series, from, to).average().orElse(0);
  }
}
