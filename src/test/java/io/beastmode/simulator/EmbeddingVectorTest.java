package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The embedding mode's vectors, without a server. */
class EmbeddingVectorTest {
  @Test
  void aTextAlwaysGivesTheSameUnitVector() {
    float[] first = Embeddings.vector("hello", 256, 256);

    assertThat(Embeddings.vector("hello", 256, 256)).containsExactly(first);
    assertThat(Embeddings.vector("hello!", 256, 256)).isNotEqualTo(first);
    assertThat(norm(first)).isCloseTo(1.0, within(1e-5));
  }

  @Test
  void aShortenedVectorIsTheFullOnesPrefixScaledToUnitLength() {
    float[] full = Embeddings.vector("hello", 256, 256);
    float[] shortened = Embeddings.vector("hello", 256, 8);

    assertThat(norm(shortened)).isCloseTo(1.0, within(1e-5));
    double scale = shortened[0] / full[0];
    for (int i = 0; i < 8; i++) {
      assertThat((double) shortened[i]).isCloseTo(full[i] * scale, within(1e-5));
    }
  }

  @Test
  void similarTextsAreNotCloseByAccident() {
    float[] a = Embeddings.vector("the cat sat", 512, 512);
    float[] b = Embeddings.vector("the cat sat.", 512, 512);
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }

    assertThat(Math.abs(dot)).isLessThan(0.3);
  }

  static double norm(float[] vector) {
    double sum = 0;
    for (float value : vector) {
      sum += value * value;
    }
    return Math.sqrt(sum);
  }
}
