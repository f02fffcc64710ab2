package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimilarityIndexTest {

  @Test
  void nearestComeMostSimilarFirstWithTheirCosine() {
    SimilarityIndex index = new SimilarityIndex(10, 3);
    index.add(1, unit(1, 0, 0));
    index.add(2, unit(1, 1, 0));
    index.add(3, unit(0, 0, 1));
    List<Neighbour> near = index.nearest(unit(1, 0.2f, 0), 2);
    assertThat(near).extracting(Neighbour::entryId).containsExactly(1L, 2L);
    // cos((1,0.2,0),(1,0,0)) = 1/sqrt(1.04)
    assertThat(near.get(0).similarity()).isCloseTo(0.98058f, within(0.005f));
    assertThat(index.nearest(unit(0, 0, 1), 5))
        .hasSize(3)
        .first()
        .extracting(Neighbour::entryId)
        .isEqualTo(3L);
  }

  @Test
  void addingBeyondCapacityEvictsTheOldest() {
    SimilarityIndex index = new SimilarityIndex(2, 3);
    assertThat(index.add(1, unit(1, 0, 0))).isEqualTo(-1);
    assertThat(index.add(2, unit(0, 1, 0))).isEqualTo(-1);
    assertThat(index.add(3, unit(0, 0, 1))).isEqualTo(1);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.contains(1)).isFalse();
    assertThat(index.nearest(unit(1, 0, 0), 3)).extracting(Neighbour::entryId).doesNotContain(1L);
    assertThat(index.add(4, unit(1, 1, 1))).isEqualTo(2);
  }

  @Test
  void replacingAnEntryKeepsOneCopy() {
    SimilarityIndex index = new SimilarityIndex(2, 3);
    index.add(1, unit(1, 0, 0));
    assertThat(index.add(1, unit(0, 1, 0))).isEqualTo(-1);
    assertThat(index.size()).isEqualTo(1);
    assertThat(index.nearest(unit(0, 1, 0), 1).get(0).similarity()).isGreaterThan(0.99f);
  }

  @Test
  void removedEntriesAreNotFoundAndTheOthersStay() {
    SimilarityIndex index = new SimilarityIndex(10, 3);
    index.add(1, unit(1, 0, 0));
    index.add(2, unit(0, 1, 0));
    index.add(3, unit(0, 0, 1));
    index.remove(1);
    index.remove(42);
    assertThat(index.size()).isEqualTo(2);
    assertThat(index.nearest(unit(1, 0, 0), 3))
        .extracting(Neighbour::entryId)
        .containsExactlyInAnyOrder(2L, 3L);
    assertThat(index.nearest(unit(0, 0, 1), 1).get(0).entryId()).isEqualTo(3L);
    // the slot moved into the hole is still evicted in its turn (2 is now the oldest)
    SimilarityIndex small = new SimilarityIndex(2, 3);
    small.add(1, unit(1, 0, 0));
    small.add(2, unit(0, 1, 0));
    small.remove(1);
    small.add(3, unit(0, 0, 1));
    assertThat(small.add(4, unit(1, 1, 0))).isEqualTo(2);
  }

  @Test
  void quantisedSimilaritiesStayCloseToTheExactOnes() {
    Random random = new Random(3);
    SimilarityIndex index = new SimilarityIndex(500);
    float[][] vectors = new float[500][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = randomUnit(random, 384);
      index.add(i, vectors[i]);
    }
    float[] query = randomUnit(random, 384);
    for (Neighbour n : index.nearest(query, 20)) {
      assertThat(n.similarity()).isCloseTo(dot(query, vectors[(int) n.entryId()]), within(0.005f));
    }
  }

  @Test
  void everyNeighbourAboveTheFloorIsFoundAmongManyEntries() {
    Random random = new Random(7);
    int entries = 20_000;
    SimilarityIndex index = new SimilarityIndex(entries);
    float[][] vectors = new float[entries][];
    for (int i = 0; i < entries; i++) {
      vectors[i] = randomUnit(random, 384);
      index.add(i, vectors[i]);
    }
    for (int trial = 0; trial < 200; trial++) {
      int target = random.nextInt(entries);
      // a query at a cosine between 0.8 and 1 from one entry
      float cosine = 0.8f + 0.2f * random.nextFloat();
      float[] noise = randomUnit(random, 384);
      float[] query = new float[384];
      for (int i = 0; i < 384; i++) {
        query[i] = cosine * vectors[target][i] + (float) Math.sqrt(1 - cosine * cosine) * noise[i];
      }
      query = unit(query);
      Neighbour nearest = index.nearest(query, 1).get(0);
      assertThat(nearest.entryId()).isEqualTo(target);
      assertThat(nearest.similarity()).isCloseTo(dot(query, vectors[target]), within(0.005f));
    }
  }

  @Test
  void bytesCountTheVectorsAndIdsHeld() {
    SimilarityIndex index = new SimilarityIndex(50_000);
    long empty = index.bytes();
    Random random = new Random(1);
    for (int i = 0; i < 5000; i++) {
      index.add(i, randomUnit(random, 384));
    }
    // a byte per dimension, a 48-byte sketch, a scale and an id per entry
    assertThat(index.bytes()).isGreaterThan(5000L * (384 + 48 + 4 + 8)).isGreaterThan(2 * empty);
    assertThat(index.bytes()).isLessThan(5000L * 4 * 384);
  }

  static float[] unit(float... v) {
    float norm = (float) Math.sqrt(dot(v, v));
    float[] u = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      u[i] = v[i] / norm;
    }
    return u;
  }

  static float[] randomUnit(Random random, int dims) {
    float[] v = new float[dims];
    for (int i = 0; i < dims; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return unit(v);
  }

  static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
