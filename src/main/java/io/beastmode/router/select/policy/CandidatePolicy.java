package io.beastmode.router.select.policy;

import java.util.List;

/**
 * The policies a learned router keeps side by side. Each ranks prompts by how much they need the
 * strong model; the router follows one (the policy in force) and estimates the others from the same
 * traffic.
 *
 * <ul>
 *   <li>{@code learned}: the predictor's chance that the cheap model answers well, by the threshold
 *       rule ({@code learnedThreshold}).
 *   <li>{@code length}: longer prompts first.
 *   <li>{@code structure}: the static rule, code, maths, tools, several turns or a long requested
 *       answer first, then length.
 *   <li>{@code blend}: the mean of the learned and the length ranks.
 * </ul>
 *
 * Every policy but {@code learned} sends the same share of recent traffic to the strong model as
 * {@code learned} does, so they compare at equal cost.
 */
public enum CandidatePolicy {
  learned,
  length,
  structure,
  blend;

  /** The bit of this policy in a decision's set of actions. */
  public int bit() {
    return 1 << ordinal();
  }

  /**
   * The candidates a router keeps when the spec names none, the first followed until the router's
   * own outcomes show another better: the blend is the least far from the best rule on subjects
   * never trained on (docs/selection.md).
   */
  public static final List<CandidatePolicy> DEFAULTS = List.of(blend, learned, length, structure);
}
