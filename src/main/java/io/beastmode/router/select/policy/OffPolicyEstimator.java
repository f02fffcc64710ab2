package io.beastmode.router.select.policy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Inverse propensity weighting: how a policy would have done on traffic the router served with
 * another one. A logged answer counts for a policy only when the policy would have taken the same
 * action, weighted by one over the probability the router had of taking it, so the estimate is
 * unbiased whichever policy was followed, as long as every action kept a chance (exploration).
 *
 * <p>Intervals are 95 %: normal for means, a bootstrap over the logged answers for PGR.
 */
public final class OffPolicyEstimator {
  static final double Z95 = 1.96;

  private OffPolicyEstimator() {}

  /** An estimate with its 95 % interval. */
  public record Interval(double estimate, double low, double high) {
    static final Interval UNKNOWN = new Interval(Double.NaN, Double.NaN, Double.NaN);
  }

  /** The policy sending everything to the cheap model, PGR 0 by definition. */
  public static final Predicate<LoggedOutcome> ALL_WEAK = o -> false;

  /** The policy sending everything to the strong model, PGR 1 by definition. */
  public static final Predicate<LoggedOutcome> ALL_STRONG = o -> true;

  public static Predicate<LoggedOutcome> of(CandidatePolicy policy) {
    return o -> o.strongUnder(policy);
  }

  /** The estimated mean outcome under {@code strongUnder}, with its interval. */
  public static Interval value(List<LoggedOutcome> log, Predicate<LoggedOutcome> strongUnder) {
    return meanInterval(log, o -> term(o, strongUnder));
  }

  /**
   * The estimated mean outcome of {@code a} minus that of {@code b}, paired over the same answers
   * (only answers where the two disagree carry weight), with its interval.
   */
  public static Interval difference(
      List<LoggedOutcome> log, Predicate<LoggedOutcome> a, Predicate<LoggedOutcome> b) {
    return meanInterval(log, o -> term(o, a) - term(o, b));
  }

  /**
   * PGR of a policy, (V − V_weak) / (V_strong − V_weak), each V estimated as above; the interval
   * from {@code resamples} bootstrap draws of the log (seeded, so the same log gives the same
   * interval). Unknown while the log cannot tell the two anchors apart.
   */
  public static Interval pgr(
      List<LoggedOutcome> log, Predicate<LoggedOutcome> strongUnder, int resamples, long seed) {
    int n = log.size();
    if (n == 0) {
      return Interval.UNKNOWN;
    }
    double[] policy = new double[n];
    double[] weak = new double[n];
    double[] strong = new double[n];
    for (int i = 0; i < n; i++) {
      LoggedOutcome o = log.get(i);
      policy[i] = term(o, strongUnder);
      weak[i] = term(o, ALL_WEAK);
      strong[i] = term(o, ALL_STRONG);
    }
    double estimate = ratio(sum(policy), sum(weak), sum(strong));
    if (Double.isNaN(estimate)) {
      return Interval.UNKNOWN;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] draws = new double[resamples];
    int kept = 0;
    for (int r = 0; r < resamples; r++) {
      double p = 0;
      double w = 0;
      double s = 0;
      for (int i = 0; i < n; i++) {
        int pick = random.nextInt(n);
        p += policy[pick];
        w += weak[pick];
        s += strong[pick];
      }
      double draw = ratio(p, w, s);
      if (!Double.isNaN(draw)) {
        draws[kept++] = draw;
      }
    }
    if (kept < 2) {
      return new Interval(estimate, Double.NaN, Double.NaN);
    }
    java.util.Arrays.sort(draws, 0, kept);
    return new Interval(
        estimate,
        draws[(int) Math.floor(0.025 * (kept - 1))],
        draws[(int) Math.ceil(0.975 * (kept - 1))]);
  }

  /** A share of {@code n} with its normal interval, clipped to [0, 1]. */
  public static Interval share(int count, int n) {
    if (n == 0) {
      return Interval.UNKNOWN;
    }
    double p = (double) count / n;
    double half = Z95 * Math.sqrt(p * (1 - p) / n);
    return new Interval(p, Math.max(0, p - half), Math.min(1, p + half));
  }

  /** One answer's contribution: its outcome over its propensity when the policy agrees, else 0. */
  static double term(LoggedOutcome o, Predicate<LoggedOutcome> strongUnder) {
    return strongUnder.test(o) == o.strong() ? o.reward() / o.propensity() : 0;
  }

  private static Interval meanInterval(
      List<LoggedOutcome> log, java.util.function.ToDoubleFunction<LoggedOutcome> term) {
    int n = log.size();
    if (n == 0) {
      return Interval.UNKNOWN;
    }
    double sum = 0;
    double squares = 0;
    for (LoggedOutcome o : log) {
      double t = term.applyAsDouble(o);
      sum += t;
      squares += t * t;
    }
    double mean = sum / n;
    if (n < 2) {
      return new Interval(mean, Double.NaN, Double.NaN);
    }
    double variance = Math.max(0, (squares - n * mean * mean) / (n - 1));
    double half = Z95 * Math.sqrt(variance / n);
    return new Interval(mean, mean - half, mean + half);
  }

  private static double ratio(double policy, double weak, double strong) {
    return strong == weak ? Double.NaN : (policy - weak) / (strong - weak);
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
