package io.beastmode.router.select.learned;

import java.util.List;

/**
 * Predicts, per model, the chance that its answer to a prompt is good, from labelled examples.
 * Immutable: learning more builds a new predictor, which a router swaps in.
 *
 * <p>Methods: {@code neighbours}, the similarity-weighted success rate among the nearest examples;
 * {@code head}, a logistic regression per model on the embedding and the prompt's length; {@code
 * mixture}, the two averaged, the neighbours' share growing with how close they are (so examples
 * from the same kind of traffic, such as feedback, count most where they apply).
 */
public final class SuccessPredictor {

  public enum Method {
    neighbours,
    head,
    mixture
  }

  /**
   * @param neighbours k of the neighbour vote
   * @param priorWeight pseudo-examples at the model's overall rate in the neighbour vote
   * @param l2 the heads' penalty
   * @param iterations the heads' gradient steps
   * @param neighbourShare the neighbours' share of the mixture at similarity 1
   */
  public record Settings(
      int neighbours, double priorWeight, double l2, int iterations, double neighbourShare) {
    public static final Settings DEFAULT = new Settings(32, 4, 0.05, 300, 0.5);
  }

  private final List<String> models;
  private final Method method;
  private final Settings settings;
  private final List<LabelledExample> examples;
  private final float[] matrix;
  private final LogisticHead[] heads;
  private final double[] overallRate;

  private SuccessPredictor(
      List<String> models,
      Method method,
      Settings settings,
      List<LabelledExample> examples,
      LogisticHead[] heads,
      double[] overallRate) {
    this.models = models;
    this.method = method;
    this.settings = settings;
    this.examples = examples;
    this.matrix = method == Method.head ? null : NeighbourVote.matrix(examples);
    this.heads = heads;
    this.overallRate = overallRate;
  }

  /** Learns from {@code examples}, whose outcomes are in the order of {@code models}. */
  public static SuccessPredictor train(
      List<String> models, List<LabelledExample> examples, Method method, Settings settings) {
    int count = models.size();
    double[] good = new double[count];
    double[] known = new double[count];
    for (LabelledExample e : examples) {
      if (e.outcomes().length != count) {
        throw new IllegalArgumentException(
            "an example has " + e.outcomes().length + " outcomes for " + count + " models");
      }
      for (int m = 0; m < count; m++) {
        if (!Double.isNaN(e.outcomes()[m])) {
          good[m] += e.outcomes()[m];
          known[m]++;
        }
      }
    }
    double[] rate = new double[count];
    for (int m = 0; m < count; m++) {
      rate[m] = known[m] == 0 ? 0.5 : (good[m] + 1) / (known[m] + 2);
    }
    LogisticHead[] heads = new LogisticHead[count];
    if (method != Method.neighbours) {
      for (int m = 0; m < count; m++) {
        heads[m] =
            known[m] == 0
                ? null
                : LogisticHead.fit(examples, m, settings.l2(), settings.iterations());
      }
    }
    return new SuccessPredictor(
        List.copyOf(models), method, settings, List.copyOf(examples), heads, rate);
  }

  /**
   * This predictor's heads with more examples for the neighbours: what new feedback changes at
   * once, before the heads are fitted again.
   */
  public SuccessPredictor withExamples(List<LabelledExample> all) {
    return new SuccessPredictor(models, method, settings, List.copyOf(all), heads, overallRate);
  }

  public List<String> models() {
    return models;
  }

  public int exampleCount() {
    return examples.size();
  }

  /** Each model's chance of a good answer, in the order of {@link #models()}. */
  public double[] predict(float[] embedding, int promptChars) {
    int count = models.size();
    double[] similarity = new double[count];
    double[] vote =
        method == Method.head
            ? null
            : NeighbourVote.vote(
                embedding,
                examples,
                matrix,
                count,
                settings.neighbours(),
                settings.priorWeight(),
                overallRate,
                similarity);
    if (method == Method.neighbours) {
      return vote;
    }
    double[] features = new double[LogisticHead.featureCount()];
    LogisticHead.features(embedding, promptChars, features);
    double[] chance = new double[count];
    for (int m = 0; m < count; m++) {
      double head = heads[m] == null ? overallRate[m] : heads[m].predict(features);
      if (method == Method.head) {
        chance[m] = head;
      } else {
        double share = settings.neighbourShare() * Math.max(0, similarity[m]);
        chance[m] = (1 - share) * head + share * vote[m];
      }
    }
    return chance;
  }
}
