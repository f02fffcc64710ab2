package io.beastmode.router.select.learned;

import java.util.List;

/**
 * Each model's success rate among the k examples most similar to a prompt (cosine similarity of
 * embeddings) that know its outcome, weighted by similarity and shrunk towards the model's overall
 * rate by {@code priorWeight} pseudo-examples.
 */
final class NeighbourVote {
  private NeighbourVote() {}

  /**
   * @param similarity out: the mean similarity of the neighbours found per model (0 when none)
   */
  static double[] vote(
      float[] embedding,
      List<LabelledExample> examples,
      int models,
      int k,
      double priorWeight,
      double[] overallRate,
      double[] similarity) {
    double[][] bestSim = new double[models][k];
    double[][] bestOutcome = new double[models][k];
    int[] found = new int[models];
    for (double[] row : bestSim) {
      java.util.Arrays.fill(row, Double.NEGATIVE_INFINITY);
    }
    for (LabelledExample e : examples) {
      double sim = dot(embedding, e.embedding());
      for (int m = 0; m < models; m++) {
        double outcome = e.outcomes()[m];
        if (Double.isNaN(outcome) || sim <= bestSim[m][k - 1]) {
          continue;
        }
        int at = k - 1;
        while (at > 0 && bestSim[m][at - 1] < sim) {
          bestSim[m][at] = bestSim[m][at - 1];
          bestOutcome[m][at] = bestOutcome[m][at - 1];
          at--;
        }
        bestSim[m][at] = sim;
        bestOutcome[m][at] = outcome;
        found[m] = Math.min(k, found[m] + 1);
      }
    }
    double[] chance = new double[models];
    for (int m = 0; m < models; m++) {
      double weight = priorWeight;
      double good = priorWeight * overallRate[m];
      double simSum = 0;
      for (int i = 0; i < found[m]; i++) {
        double w = Math.max(0, bestSim[m][i]);
        weight += w;
        good += w * bestOutcome[m][i];
        simSum += bestSim[m][i];
      }
      chance[m] = weight == 0 ? overallRate[m] : good / weight;
      similarity[m] = found[m] == 0 ? 0 : simSum / found[m];
    }
    return chance;
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
