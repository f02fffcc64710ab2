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
 * <p>A policy's mean outcome and PGR are self-normalised (the weighted outcomes over the sum of the
 * weights), which keeps them between 0 and 1 when few explored answers carry large weights; the
 * difference between two policies, on which the router switches, is doubly robust: the predictor's
 * chances at decision time say what each action would have scored, and the logged answers, weighted
 * by one over their propensity, correct that prediction where it was wrong. It stays unbiased
 * however poor the predictor, and varies much less than plain weighting when the predictor is good;
 * without chances it is plain weighting. Intervals are 95 %: normal for means and differences, a
 * bootstrap over the answers for PGR.
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

  /**
   * The estimated mean outcome under {@code strongUnder} (self-normalised), with its interval (the
   * delta method's, clipped to [0, 1]); unknown when no logged answer agrees with the policy.
   */
  public static Interval value(List<LoggedOutcome> log, Predicate<LoggedOutcome> strongUnder) {
    int n = log.size();
    double weights = 0;
    double weighted = 0;
    for (LoggedOutcome o : log) {
      double w = weight(o, strongUnder);
      weights += w;
      weighted += w * o.reward();
    }
    if (weights == 0) {
      return Interval.UNKNOWN;
    }
    double mean = weighted / weights;
    if (n < 2) {
      return new Interval(mean, Double.NaN, Double.NaN);
    }
    double meanWeight = weights / n;
    double squares = 0;
    for (LoggedOutcome o : log) {
      double t = weight(o, strongUnder) * (o.reward() - mean) / meanWeight;
      squares += t * t;
    }
    double half = Z95 * Math.sqrt(squares / ((double) n * (n - 1)));
    return new Interval(mean, Math.max(0, mean - half), Math.min(1, mean + half));
  }

  /**
   * The estimated mean outcome of {@code a} minus that of {@code b}, paired over the same answers
   * (only answers where the two disagree carry weight), with its interval.
   */
  public static Interval difference(
      List<LoggedOutcome> log, Predicate<LoggedOutcome> a, Predicate<LoggedOutcome> b) {
    return meanInterval(log, o -> doublyRobust(o, a) - doublyRobust(o, b));
  }

  /** The predicted outcome of the policy's action, corrected by the answer when it agrees. */
  static double doublyRobust(LoggedOutcome o, Predicate<LoggedOutcome> strongUnder) {
    boolean action = strongUnder.test(o);
    double predicted = o.predicted(action);
    return action == o.strong() ? predicted + (o.reward() - predicted) / o.propensity() : predicted;
  }

  /**
   * PGR of a policy, (V − V_weak) / (V_strong − V_weak), each V estimated as above; the interval
   * from {@code resamples} bootstrap draws of the log (seeded, so the same log gives the same
   * interval). Unknown while the log cannot tell the two anchors apart.
   */
  public static Interval pgr(
      List<LoggedOutcome> log, Predicate<LoggedOutcome> strongUnder, int resamples, long seed) {
    int n = log.size();
    // Without answers from both models the anchors are not estimated.
    if (log.stream().noneMatch(LoggedOutcome::strong)
        || log.stream().allMatch(LoggedOutcome::strong)) {
      return Interval.UNKNOWN;
    }
    // Per answer: weight and weighted outcome under the policy and the two anchors.
    double[][] terms = new double[n][6];
    for (int i = 0; i < n; i++) {
      LoggedOutcome o = log.get(i);
      int column = 0;
      for (Predicate<LoggedOutcome> p : List.of(strongUnder, ALL_WEAK, ALL_STRONG)) {
        terms[i][column++] = weight(o, p);
        terms[i][column++] = weight(o, p) * o.reward();
      }
    }
    double[] totals = new double[6];
    for (double[] t : terms) {
      for (int c = 0; c < 6; c++) {
        totals[c] += t[c];
      }
    }
    double estimate = ratio(totals);
    if (Double.isNaN(estimate)) {
      return Interval.UNKNOWN;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] draws = new double[resamples];
    int kept = 0;
    for (int r = 0; r < resamples; r++) {
      double[] drawn = new double[6];
      for (int i = 0; i < n; i++) {
        double[] t = terms[random.nextInt(n)];
        for (int c = 0; c < 6; c++) {
          drawn[c] += t[c];
        }
      }
      double draw = ratio(drawn);
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
    return weight(o, strongUnder) * o.reward();
  }

  /** One over the answer's propensity when the policy agrees with the action taken, else 0. */
  static double weight(LoggedOutcome o, Predicate<LoggedOutcome> strongUnder) {
    return strongUnder.test(o) == o.strong() ? 1 / o.propensity() : 0;
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

  /** PGR from the totals of weights and weighted outcomes of the policy, cheap and strong. */
  private static double ratio(double[] totals) {
    if (totals[0] == 0 || totals[2] == 0 || totals[4] == 0) {
      return Double.NaN;
    }
    double policy = totals[1] / totals[0];
    double weak = totals[3] / totals[2];
    double strong = totals[5] / totals[4];
    return strong == weak ? Double.NaN : (policy - weak) / (strong - weak);
  }
}
