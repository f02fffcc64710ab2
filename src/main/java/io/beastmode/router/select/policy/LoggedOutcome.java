package io.beastmode.router.select.policy;

/**
 * One decision the router took and what came of it: the inputs of an off-policy estimate.
 *
 * @param actions the candidate policies that would have sent this prompt to the strong model, one
 *     bit each ({@link CandidatePolicy#bit()})
 * @param strong whether the router did send it to the strong model
 * @param propensity the probability the router had of taking the action it took
 * @param reward the answer's outcome, 0 (bad) to 1 (good)
 * @param weakChance the predictor's chance for the cheap model at decision time, NaN when unknown
 * @param strongChance the same for the strong model
 * @param group the tenant and prompt cluster the decision belongs to
 */
public record LoggedOutcome(
    int actions,
    boolean strong,
    double propensity,
    double reward,
    double weakChance,
    double strongChance,
    PolicyGroups.Key group) {

  /** An outcome without predictions: estimated by propensities alone. */
  public LoggedOutcome(int actions, boolean strong, double propensity, double reward) {
    this(actions, strong, propensity, reward, Double.NaN, Double.NaN);
  }

  /** An outcome of a decision that belongs to no group but the router. */
  public LoggedOutcome(
      int actions,
      boolean strong,
      double propensity,
      double reward,
      double weakChance,
      double strongChance) {
    this(actions, strong, propensity, reward, weakChance, strongChance, PolicyGroups.Key.NONE);
  }

  public LoggedOutcome {
    if (!(propensity > 0 && propensity <= 1)) {
      throw new IllegalArgumentException("propensity must be in (0, 1], was " + propensity);
    }
    group = group == null ? PolicyGroups.Key.NONE : group;
  }

  /** The predicted outcome of an action, 0 when not predicted (then the estimate is plain IPW). */
  double predicted(boolean strongAction) {
    double chance = strongAction ? strongChance : weakChance;
    return Double.isNaN(chance) ? 0 : chance;
  }

  /** Whether {@code policy} would have sent this prompt to the strong model. */
  public boolean strongUnder(CandidatePolicy policy) {
    return (actions & policy.bit()) != 0;
  }
}
