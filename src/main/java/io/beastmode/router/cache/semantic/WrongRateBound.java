package io.beastmode.router.cache.semantic;

/**
 * Upper confidence bounds on a rate from counts: the exact one-sided Clopper–Pearson bound, the p
 * at which seeing {@code wrong} or fewer events in {@code trials} has probability {@code 1 -
 * confidence}. It never falls below the true rate more often than it says, however small the counts
 * (a normal approximation does with few events), and with no event it is the familiar {@code 1 - (1
 * - confidence)^(1/trials)} (about 3/trials at 95 %).
 */
public final class WrongRateBound {
  public static final double CONFIDENCE = 0.95;

  private WrongRateBound() {}

  /** The 95 % upper bound of the rate behind {@code wrong} events in {@code trials}. */
  public static double upper95(long wrong, long trials) {
    return upper(wrong, trials, CONFIDENCE);
  }

  /** The one-sided upper bound at {@code confidence}; 1 when there are no trials. */
  public static double upper(long wrong, long trials, double confidence) {
    if (wrong < 0 || trials < 0 || wrong > trials) {
      throw new IllegalArgumentException("need 0 <= wrong <= trials: " + wrong + "/" + trials);
    }
    if (trials == 0 || wrong == trials) {
      return 1;
    }
    double alpha = 1 - confidence;
    if (wrong == 0) {
      return 1 - Math.pow(alpha, 1.0 / trials);
    }
    // P(X <= wrong | p) falls as p rises; find where it equals alpha.
    double low = (double) wrong / trials;
    double high = 1;
    for (int i = 0; i < 60 && high - low > 1e-9; i++) {
      double mid = (low + high) / 2;
      if (binomialCdf(wrong, trials, mid) > alpha) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return high;
  }

  /** P(X <= k) for X ~ Binomial(n, p), as 1 - I_p(k+1, n-k) (the regularised beta function). */
  static double binomialCdf(long k, long n, double p) {
    if (k >= n) {
      return 1;
    }
    return 1 - regularisedBeta(p, k + 1, n - k);
  }

  /** I_x(a, b) by its continued fraction (Lentz), on the side where it converges fast. */
  static double regularisedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double logFront =
        logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
    if (x < (a + 1) / (a + b + 2)) {
      return Math.exp(logFront) * continuedFraction(x, a, b) / a;
    }
    return 1 - Math.exp(logFront) * continuedFraction(1 - x, b, a) / b;
  }

  private static double continuedFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 10_000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
      d = 1 + aa * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double step = d * c;
      h *= step;
      if (Math.abs(step - 1) < 1e-15) {
        break;
      }
    }
    return h;
  }

  /** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9): about 15 significant digits. */
  static double logGamma(double x) {
    double[] g = {
      0.99999999999980993,
      676.5203681218851,
      -1259.1392167224028,
      771.32342877765313,
      -176.61502916214059,
      12.507343278686905,
      -0.13857109526572012,
      9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    x -= 1;
    double sum = g[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) {
      sum += g[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
