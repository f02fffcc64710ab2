package io.beastmode.router.select.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.beastmode.router.select.learned.SuccessPredictor.Method;
import io.beastmode.router.select.learned.SuccessPredictor.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SuccessPredictorTest {
  private static final double NO = Double.NaN;

  private static LabelledExample example(float[] embedding, double... outcomes) {
    return new LabelledExample(embedding, 100, outcomes);
  }

  @Test
  void neighboursVoteBySimilarityAmongTheKNearestThatKnowTheModel() {
    List<LabelledExample> examples =
        List.of(
            example(new float[] {1, 0, 0}, 1, NO),
            example(new float[] {0.8f, 0.6f, 0}, 0, 1),
            example(new float[] {0, 1, 0}, 1, 1),
            example(new float[] {0, 0, 1}, 1, 0));
    SuccessPredictor predictor =
        SuccessPredictor.train(
            List.of("small", "large"),
            examples,
            Method.neighbours,
            new Settings(2, 0, 0.05, 10, 0.5));

    double[] chance = predictor.predict(new float[] {1, 0, 0}, 100);

    // small: neighbours at similarity 1 (good) and 0.8 (bad): 1 / 1.8
    assertThat(chance[0]).isCloseTo(1 / 1.8, within(1e-6));
    // large: the first example does not know it; 0.8 (good) and two at similarity 0 (no weight)
    assertThat(chance[1]).isCloseTo(1.0, within(1e-6));
  }

  @Test
  void neighboursShrinkTowardsTheModelsOverallRate() {
    List<LabelledExample> examples =
        List.of(example(new float[] {1, 0}, 0), example(new float[] {0, 1}, 1));
    SuccessPredictor predictor =
        SuccessPredictor.train(
            List.of("m"), examples, Method.neighbours, new Settings(1, 2, 0.05, 10, 0.5));

    // overall rate (1 + 1) / (2 + 2) = 0.5 with weight 2; the neighbour is bad with weight 1
    assertThat(predictor.predict(new float[] {1, 0}, 10)[0]).isCloseTo(1 / 3.0, within(1e-6));
  }

  @Test
  void aHeadLearnsWhichDirectionOfTheEmbeddingMakesAModelFail() {
    Random random = new Random(1);
    List<LabelledExample> examples = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      boolean hard = i % 2 == 0;
      examples.add(example(embedding(random, hard ? 1 : -1), hard ? 0 : 1, 1));
    }
    SuccessPredictor predictor =
        SuccessPredictor.train(List.of("weak", "strong"), examples, Method.head, Settings.DEFAULT);

    double[] hard = predictor.predict(embedding(random, 1), 100);
    double[] easy = predictor.predict(embedding(random, -1), 100);
    assertThat(hard[0]).isLessThan(0.2);
    assertThat(easy[0]).isGreaterThan(0.8);
    assertThat(hard[1]).isGreaterThan(0.9);
  }

  @Test
  void theMixtureLeansOnNeighboursAsFarAsTheyAreSimilar() {
    List<LabelledExample> examples =
        List.of(example(new float[] {1, 0}, 0), example(new float[] {0.6f, 0.8f}, 1));
    Settings settings = new Settings(1, 0, 0.05, 0, 0.5);
    SuccessPredictor neighbours =
        SuccessPredictor.train(List.of("m"), examples, Method.neighbours, settings);
    SuccessPredictor mixture =
        SuccessPredictor.train(List.of("m"), examples, Method.mixture, settings);
    float[] query = {1, 0};

    // No gradient steps: the head says the prior rate, (1 + 1) / (2 + 2) clamped = 0.5.
    double head = 0.5;
    double vote = neighbours.predict(query, 100)[0];
    assertThat(vote).isZero();
    // the nearest neighbour has similarity 1: half the head, half the vote
    assertThat(mixture.predict(query, 100)[0]).isCloseTo(0.5 * head + 0.5 * vote, within(1e-6));
  }

  private static float[] embedding(Random random, int direction) {
    float[] v = new float[PromptEncoder.DIMENSIONS];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (random.nextGaussian() * 0.05);
    }
    v[0] = direction * 0.5f;
    return v;
  }
}
