package io.beastmode.router.select.policy;

/**
 * The most recent scores of one policy, to place a new score among them: a policy that sends the
 * share s of traffic to the strong model takes a prompt whose score ranks in the top s.
 */
final class ScoreWindow {
  private final double[] scores;
  private int size;
  private int next;

  ScoreWindow(int capacity) {
    this.scores = new double[capacity];
  }

  /** Share of the remembered scores below {@code score} (ties count half); NaN when empty. */
  double rank(double score) {
    if (size == 0) {
      return Double.NaN;
    }
    double below = 0;
    for (int i = 0; i < size; i++) {
      if (scores[i] < score) {
        below++;
      } else if (scores[i] == score) {
        below += 0.5;
      }
    }
    return below / size;
  }

  void add(double score) {
    scores[next] = score;
    next = (next + 1) % scores.length;
    size = Math.min(size + 1, scores.length);
  }

  int size() {
    return size;
  }
}
