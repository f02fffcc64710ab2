package io.beastmode.router.select.learned;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * RouteLLM's measures of a router between a weak and a strong model, computed exactly from
 * per-prompt outcomes and the router's score (higher: rather the strong model).
 *
 * <p>A router sending the share c of prompts with the highest scores to the strong model reaches
 * accuracy P(c); PGR(c) = (P(c) − P_weak) / (P_strong − P_weak). Prompts with equal scores are
 * ordered at random, so within a run of ties the curve is the straight line between its ends (the
 * expectation over orders); a router whose scores are all equal is the random router, APGR 0.5.
 *
 * @param shares strong shares c at the curve's corners, from 0 to 1
 * @param pgr PGR at each corner
 */
public record RoutingCurve(double[] shares, double[] pgr) {

  /** The curve of {@code scores} over prompts where each model was right (1) or wrong (0). */
  public static RoutingCurve of(double[] scores, double[] weakRight, double[] strongRight) {
    int n = scores.length;
    if (n == 0 || weakRight.length != n || strongRight.length != n) {
      throw new IllegalArgumentException("scores and outcomes must have the same, non-zero length");
    }
    double weak = sum(weakRight);
    double strong = sum(strongRight);
    if (strong == weak) {
      throw new IllegalArgumentException("both models have the same accuracy: PGR is undefined");
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -scores[i]));
    List<Double> shares = new ArrayList<>(List.of(0.0));
    List<Double> pgr = new ArrayList<>(List.of(0.0));
    double right = weak;
    for (int k = 0; k < n; ) {
      int end = k;
      while (end < n && scores[order[end]] == scores[order[k]]) {
        right += strongRight[order[end]] - weakRight[order[end]];
        end++;
      }
      shares.add((double) end / n);
      pgr.add((right - weak) / (strong - weak));
      k = end;
    }
    return new RoutingCurve(
        shares.stream().mapToDouble(Double::doubleValue).toArray(),
        pgr.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Area under PGR over c from 0 to 1. */
  public double apgr() {
    double area = 0;
    for (int i = 1; i < shares.length; i++) {
      area += (shares[i] - shares[i - 1]) * (pgr[i] + pgr[i - 1]) / 2;
    }
    return area;
  }

  /** PGR at strong share c, on the line between the corners around it. */
  public double pgrAt(double c) {
    for (int i = 1; i < shares.length; i++) {
      if (c <= shares[i]) {
        double span = shares[i] - shares[i - 1];
        double t = span == 0 ? 1 : (c - shares[i - 1]) / span;
        return pgr[i - 1] + t * (pgr[i] - pgr[i - 1]);
      }
    }
    return pgr[pgr.length - 1];
  }

  /** CPT(x): the smallest strong share whose PGR reaches {@code target} (0.5 for CPT(50%)). */
  public double cpt(double target) {
    if (pgr[0] >= target) {
      return 0;
    }
    for (int i = 1; i < shares.length; i++) {
      if (pgr[i] >= target) {
        double rise = pgr[i] - pgr[i - 1];
        return shares[i - 1] + (shares[i] - shares[i - 1]) * (target - pgr[i - 1]) / rise;
      }
    }
    return 1;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
