package io.beastmode.router.select.policy;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A small fixed number of prompt clusters in the embedding space, each prompt in the cluster of its
 * nearest centre (largest dot product: the embeddings are normalised). The centres are fitted once,
 * by k-means from a seeded k-means++ start, on the examples a router first learns from, and kept:
 * clusters that moved with every refit would mix the outcomes each one's estimates rest on.
 *
 * <p>Immutable; {@link #nearest} costs k dot products (8 × 384 multiplications by default).
 */
public final class PromptClusters {
  /** Clusters a router keeps per-cluster policy estimates for. */
  public static final int DEFAULT_COUNT = 8;

  /** Examples per cluster needed before the centres are fitted. */
  public static final int MIN_EXAMPLES_PER_CLUSTER = 50;

  static final int ITERATIONS = 20;

  /** Examples the centres are fitted on at most (evenly spaced among more), to bound the cost. */
  static final int MAX_FITTED = 10_000;

  private final float[][] centres;

  PromptClusters(float[][] centres) {
    this.centres = centres;
  }

  /**
   * The centres of {@code count} clusters of {@code embeddings}, or null when there are fewer than
   * {@link #MIN_EXAMPLES_PER_CLUSTER} per cluster. Deterministic for the same embeddings and seed.
   */
  public static PromptClusters fit(List<float[]> embeddings, int count, long seed) {
    if (count < 1 || embeddings.size() < count * MIN_EXAMPLES_PER_CLUSTER) {
      return null;
    }
    if (embeddings.size() > MAX_FITTED) {
      List<float[]> spaced = new java.util.ArrayList<>(MAX_FITTED);
      for (int i = 0; i < MAX_FITTED; i++) {
        spaced.add(embeddings.get((int) ((long) i * embeddings.size() / MAX_FITTED)));
      }
      embeddings = spaced;
    }
    int d = embeddings.get(0).length;
    float[][] centres = new float[count][];
    SplittableRandom random = new SplittableRandom(seed);
    centres[0] = embeddings.get(random.nextInt(embeddings.size())).clone();
    double[] distance = new double[embeddings.size()];
    java.util.Arrays.fill(distance, Double.POSITIVE_INFINITY);
    for (int c = 1; c < count; c++) {
      // k-means++: the next centre drawn with odds growing with the distance to the nearest one.
      double total = 0;
      for (int i = 0; i < embeddings.size(); i++) {
        distance[i] = Math.min(distance[i], squaredDistance(embeddings.get(i), centres[c - 1]));
        total += distance[i];
      }
      double draw = random.nextDouble() * total;
      int pick = embeddings.size() - 1;
      for (int i = 0; i < embeddings.size(); i++) {
        draw -= distance[i];
        if (draw <= 0) {
          pick = i;
          break;
        }
      }
      centres[c] = embeddings.get(pick).clone();
    }
    PromptClusters clusters = new PromptClusters(centres);
    int[] assigned = new int[embeddings.size()];
    for (int iteration = 0; iteration < ITERATIONS; iteration++) {
      boolean moved = false;
      for (int i = 0; i < embeddings.size(); i++) {
        int nearest = clusters.nearest(embeddings.get(i));
        moved |= iteration == 0 || nearest != assigned[i];
        assigned[i] = nearest;
      }
      if (!moved) {
        break;
      }
      double[][] sums = new double[count][d];
      int[] sizes = new int[count];
      for (int i = 0; i < embeddings.size(); i++) {
        float[] e = embeddings.get(i);
        sizes[assigned[i]]++;
        for (int j = 0; j < d; j++) {
          sums[assigned[i]][j] += e[j];
        }
      }
      for (int c = 0; c < count; c++) {
        if (sizes[c] > 0) {
          centres[c] = normalised(sums[c]);
        }
      }
    }
    return clusters;
  }

  public int count() {
    return centres.length;
  }

  /** The cluster of the centre most similar to {@code embedding}. */
  public int nearest(float[] embedding) {
    int best = 0;
    double bestSimilarity = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < centres.length; c++) {
      double similarity = 0;
      float[] centre = centres[c];
      for (int j = 0; j < centre.length; j++) {
        similarity += embedding[j] * centre[j];
      }
      if (similarity > bestSimilarity) {
        bestSimilarity = similarity;
        best = c;
      }
    }
    return best;
  }

  private static float[] normalised(double[] sum) {
    double norm = 0;
    for (double v : sum) {
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    float[] centre = new float[sum.length];
    for (int j = 0; j < sum.length; j++) {
      centre[j] = (float) (norm == 0 ? 0 : sum[j] / norm);
    }
    return centre;
  }

  private static double squaredDistance(float[] a, float[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) {
      double diff = a[j] - b[j];
      s += diff * diff;
    }
    return s;
  }
}
