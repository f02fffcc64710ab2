package io.beastmode.wire;

/**
 * What a router under the learned selection policy says of its candidate policies in its heartbeat:
 * the one in force, since when, and that one's figures. The operator writes it into the LLMRouter's
 * status per region.
 *
 * @param inForce the candidate policy the router follows
 * @param inForceSince when it took over (epoch milliseconds): the router's start, a switch on the
 *     outcomes or a new list of candidates
 * @param switches how often the policy in force changed since the router started
 * @param pgr the estimated PGR of the policy in force with its 95 % bounds; null until both models
 *     have answered some rated prompts
 * @param strongShare the share of decisions the policy in force sends to the strong model, with its
 *     95 % bounds; null before the first decision
 * @param outcomes outcomes (ratings, upstream errors, retries, cut-off answers) the estimates rest
 *     on
 * @param decisions learned decisions between the cheap and the strong model
 * @param explored decisions whose action was drawn at random
 * @param exploredOffPolicy explored decisions that went against the policy in force
 * @param explorationShare the configured share of decisions drawn at random
 */
public record SelectionSummary(
    String inForce,
    long inForceSince,
    long switches,
    Bounds pgr,
    Bounds strongShare,
    long outcomes,
    long decisions,
    long explored,
    long exploredOffPolicy,
    double explorationShare) {

  /** An estimate and its 95 % bounds. */
  public record Bounds(double estimate, double low, double high) {

    /** Rounded to four decimals; null when the estimate is not known (NaN). */
    public static Bounds of(double estimate, double low, double high) {
      if (Double.isNaN(estimate) || Double.isNaN(low) || Double.isNaN(high)) {
        return null;
      }
      return new Bounds(round(estimate), round(low), round(high));
    }

    private static double round(double value) {
      return Math.round(value * 10_000) / 10_000.0;
    }
  }
}
