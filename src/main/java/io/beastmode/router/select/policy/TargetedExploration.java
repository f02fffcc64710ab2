package io.beastmode.router.select.policy;

/**
 * Spends the exploration share where it tells the candidates apart: an explored answer on a prompt
 * all candidates decide alike adds nothing to the difference between them (their terms cancel), so
 * most of the share goes to prompts where they disagree. A fifth stays spread over every prompt, so
 * the always-cheap and always-strong anchors of the PGR figures keep some support. Over the recent
 * decisions the share explored stays the configured one.
 */
final class TargetedExploration {
  /** The part of the exploration share kept on prompts where every candidate agrees. */
  static final double AGREEING_PART = 0.2;

  private final boolean[] recent;
  private int size;
  private int next;
  private int disagreeing;

  TargetedExploration(int window) {
    this.recent = new boolean[window];
  }

  /**
   * The chance of exploring this decision, for the exploration share {@code share}, and remembers
   * whether the candidates disagree on it.
   */
  double chance(double share, boolean disagree) {
    double disagreeingShare = size == 0 ? 0 : (double) disagreeing / size;
    remember(disagree);
    if (disagreeingShare == 0) {
      return share;
    }
    double agreeing = share * AGREEING_PART;
    if (!disagree) {
      return agreeing;
    }
    return Math.min(1, (share - (1 - disagreeingShare) * agreeing) / disagreeingShare);
  }

  private void remember(boolean disagree) {
    if (size == recent.length) {
      disagreeing -= recent[next] ? 1 : 0;
    } else {
      size++;
    }
    recent[next] = disagree;
    disagreeing += disagree ? 1 : 0;
    next = (next + 1) % recent.length;
  }
}
