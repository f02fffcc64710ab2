package io.beastmode.router.cache.semantic;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cached prompts' embeddings of one partition, searched by cosine similarity. Thread-safe.
 *
 * <p>Two passes, both flat: every entry's 384-bit sketch (the signs of 384 fixed random
 * projections: the share of bits two sketches differ in estimates the angle between the vectors
 * over π) is compared with the query's by XOR and bit count, then the {@value #RESCORED} nearest
 * sketches (more when k is larger) are scored exactly on vectors quantised to one signed byte per
 * dimension (a scale per vector; the similarity is off by about 0.001). A flat scan of float
 * vectors is 1,536 bytes and 384 multiplications per entry: tens of milliseconds at 50,000 entries
 * in Java 17 without SIMD; the sketch is 48 bytes and 6 bit counts (figures in
 * docs/semantic-cache.md). Neighbours at a cosine of 0.8 differ in about 20 % of the bits,
 * unrelated prompts in 40 %, so the entries that matter to the cache are among the rescored. The
 * index keeps at most {@code capacity} entries and evicts the oldest added.
 */
public final class SimilarityIndex {
  private static final int QUANT = 127;

  /** How many entries nearest by sketch are scored exactly. */
  static final int RESCORED = 64;

  private static final long PROJECTION_SEED = 0x5EEDCAC4EL;

  private final int capacity;
  private final int dimensions;
  private final int words;
  // one random direction per sketch bit, row-major: bits x dimensions
  private final float[] projections;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  // slot i holds vectors[i*dimensions ..], scales[i] and ids[i]; live slots are 0..size-1
  private byte[] vectors;
  private long[] sketches;
  private float[] scales;
  private long[] ids;
  private int size;
  // entry id -> slot, in the order entries were added (oldest first)
  private final LinkedHashMap<Long, Integer> slots = new LinkedHashMap<>();

  public SimilarityIndex(int capacity) {
    this(capacity, 384);
  }

  public SimilarityIndex(int capacity, int dimensions) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
    this.dimensions = dimensions;
    this.words = (dimensions + 63) / 64;
    this.projections = PROJECTIONS.computeIfAbsent(dimensions, d -> projections(words * 64, d));
    // Small to start: a router may hold many partitions of a few entries each.
    int initial = Math.min(capacity, 16);
    this.vectors = new byte[initial * dimensions];
    this.sketches = new long[initial * words];
    this.scales = new float[initial];
    this.ids = new long[initial];
  }

  /**
   * Adds (or replaces) an entry's unit vector. Returns the id of the entry evicted to make room, or
   * -1 when none was.
   */
  public long add(long entryId, float[] unitVector) {
    if (unitVector.length != dimensions) {
      throw new IllegalArgumentException(
          "expected " + dimensions + " dimensions, got " + unitVector.length);
    }
    lock.writeLock().lock();
    try {
      long evicted = -1;
      Integer slot = slots.remove(entryId);
      if (slot == null) {
        if (size == capacity) {
          Iterator<Map.Entry<Long, Integer>> oldest = slots.entrySet().iterator();
          Map.Entry<Long, Integer> first = oldest.next();
          evicted = first.getKey();
          oldest.remove();
          slot = first.getValue();
        } else {
          grow();
          slot = size++;
        }
      }
      write(slot, entryId, unitVector);
      slots.put(entryId, slot);
      return evicted;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes an entry; nothing happens when it is not here. */
  public void remove(long entryId) {
    lock.writeLock().lock();
    try {
      Integer slot = slots.remove(entryId);
      if (slot == null) {
        return;
      }
      int last = --size;
      if (slot != last) {
        // the last slot moves into the hole so the scan stays over 0..size-1
        System.arraycopy(vectors, last * dimensions, vectors, slot * dimensions, dimensions);
        System.arraycopy(sketches, last * words, sketches, slot * words, words);
        scales[slot] = scales[last];
        ids[slot] = ids[last];
        slots.put(ids[slot], slot);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The {@code k} entries most similar to {@code query} (a unit vector), most similar first. */
  public List<Neighbour> nearest(float[] query, int k) {
    if (k < 1) {
      return List.of();
    }
    byte[] q = new byte[dimensions];
    float qScale = quantise(query, q, 0);
    long[] qSketch = new long[words];
    sketch(query, qSketch, 0);
    lock.readLock().lock();
    try {
      int[] slotsToScore = nearestSketches(qSketch, Math.max(RESCORED, 4 * k));
      int n = Math.min(k, slotsToScore.length);
      long[] bestIds = new long[n];
      float[] best = new float[n];
      int found = 0;
      for (int slot : slotsToScore) {
        float similarity = dot(q, slot * dimensions) * qScale * scales[slot];
        if (found == n && similarity <= best[n - 1]) {
          continue;
        }
        int at = found < n ? found++ : n - 1;
        while (at > 0 && best[at - 1] < similarity) {
          best[at] = best[at - 1];
          bestIds[at] = bestIds[at - 1];
          at--;
        }
        best[at] = similarity;
        bestIds[at] = ids[slot];
      }
      List<Neighbour> result = new ArrayList<>(found);
      for (int i = 0; i < found; i++) {
        result.add(new Neighbour(bestIds[i], Math.min(1f, best[i])));
      }
      return result;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The slots of the {@code m} entries whose sketches differ least from the query's. */
  private int[] nearestSketches(long[] qSketch, int m) {
    if (size <= m) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) {
        all[i] = i;
      }
      return all;
    }
    int bits = words * 64;
    short[] distance = new short[size];
    int[] histogram = new int[bits + 1];
    for (int slot = 0; slot < size; slot++) {
      int d = 0;
      int base = slot * words;
      for (int w = 0; w < words; w++) {
        d += Long.bitCount(sketches[base + w] ^ qSketch[w]);
      }
      distance[slot] = (short) d;
      histogram[d]++;
    }
    int cutoff = 0;
    for (int seen = 0; cutoff <= bits; cutoff++) {
      seen += histogram[cutoff];
      if (seen >= m) {
        break;
      }
    }
    int[] chosen = new int[m];
    int taken = 0;
    for (int slot = 0; slot < size && taken < m; slot++) {
      if (distance[slot] < cutoff) {
        chosen[taken++] = slot;
      }
    }
    for (int slot = 0; slot < size && taken < m; slot++) {
      if (distance[slot] == cutoff) {
        chosen[taken++] = slot;
      }
    }
    return chosen;
  }

  public int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  public boolean contains(long entryId) {
    lock.readLock().lock();
    try {
      return slots.containsKey(entryId);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** An estimate of the heap this index holds: the arrays plus about 64 bytes per map entry. */
  public long bytes() {
    lock.readLock().lock();
    try {
      return 128L
          + vectors.length
          + 8L * sketches.length
          + 4L * scales.length
          + 8L * ids.length
          + 64L * slots.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  private int dot(byte[] q, int offset) {
    byte[] v = vectors;
    int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 3 < dimensions; i += 4) {
      s0 += q[i] * v[offset + i];
      s1 += q[i + 1] * v[offset + i + 1];
      s2 += q[i + 2] * v[offset + i + 2];
      s3 += q[i + 3] * v[offset + i + 3];
    }
    for (; i < dimensions; i++) {
      s0 += q[i] * v[offset + i];
    }
    return s0 + s1 + s2 + s3;
  }

  private void write(int slot, long entryId, float[] vector) {
    scales[slot] = quantise(vector, vectors, slot * dimensions);
    sketch(vector, sketches, slot * words);
    ids[slot] = entryId;
  }

  /** The signs of the vector's projections on the fixed random directions, packed in longs. */
  private void sketch(float[] vector, long[] into, int offset) {
    for (int w = 0; w < words; w++) {
      long bits = 0;
      for (int b = 0; b < 64; b++) {
        int row = (w * 64 + b) * dimensions;
        float projection = 0;
        for (int i = 0; i < dimensions; i++) {
          projection += projections[row + i] * vector[i];
        }
        if (projection > 0) {
          bits |= 1L << b;
        }
      }
      into[offset + w] = bits;
    }
  }

  /**
   * The random directions, the same for every index of a dimension (a fixed seed): shared, as one
   * copy is 576 KiB at 384 dimensions.
   */
  private static final java.util.Map<Integer, float[]> PROJECTIONS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static float[] projections(int bits, int dimensions) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(PROJECTION_SEED);
    float[] directions = new float[bits * dimensions];
    for (int i = 0; i < directions.length; i++) {
      directions[i] = (float) gaussian(random);
    }
    return directions;
  }

  /** Box–Muller: Gaussian directions make the sketch's bit-flip rate the angle over π. */
  private static double gaussian(java.util.SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Writes the vector as bytes at {@code offset}; returns the factor that turns them back. */
  private float quantise(float[] vector, byte[] into, int offset) {
    float max = 0;
    for (float x : vector) {
      max = Math.max(max, Math.abs(x));
    }
    if (max == 0) {
      java.util.Arrays.fill(into, offset, offset + dimensions, (byte) 0);
      return 0;
    }
    float toBytes = QUANT / max;
    for (int i = 0; i < dimensions; i++) {
      into[offset + i] = (byte) Math.round(vector[i] * toBytes);
    }
    return max / QUANT;
  }

  private void grow() {
    if (size < ids.length) {
      return;
    }
    int next = (int) Math.min(capacity, Math.max(16L, ids.length * 2L));
    vectors = java.util.Arrays.copyOf(vectors, next * dimensions);
    sketches = java.util.Arrays.copyOf(sketches, next * words);
    scales = java.util.Arrays.copyOf(scales, next);
    ids = java.util.Arrays.copyOf(ids, next);
  }
}
