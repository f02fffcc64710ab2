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
  /** The examples' embeddings one after the other, for one pass over memory per prompt. */
  static float[] matrix(List<LabelledExample> examples) {
    int d = examples.isEmpty() ? 0 : examples.get(0).embedding().length;
    float[] matrix = new float[examples.size() * d];
    for (int i = 0; i < examples.size(); i++) {
      System.arraycopy(examples.get(i).embedding(), 0, matrix, i * d, d);
    }
    return matrix;
  }

  static double[] vote(
      float[] embedding,
      List<LabelledExample> examples,
      float[] matrix,
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
    int d = embedding.length;
    for (int row = 0; row < examples.size(); row++) {
      LabelledExample e = examples.get(row);
      double sim = dot(embedding, matrix, row * d);
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

  /**
   * a · matrix[offset, offset + a.length); four sums so the additions do not wait on each other.
   */
  static double dot(float[] a, float[] matrix, int offset) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < a.length; i += 4) {
      s0 += a[i] * matrix[offset + i];
      s1 += a[i + 1] * matrix[offset + i + 1];
      s2 += a[i + 2] * matrix[offset + i + 2];
      s3 += a[i + 3] * matrix[offset + i + 3];
    }
    for (; i < a.length; i++) {
      s0 += a[i] * matrix[offset + i];
    }
    return (double) s0 + s1 + s2 + s3;
  }
}
