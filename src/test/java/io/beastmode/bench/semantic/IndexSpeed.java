package io.beastmode.bench.semantic;

import io.beastmode.router.cache.semantic.HitPolicy;
import io.beastmode.router.cache.semantic.SimilarityIndex;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How long one lookup takes in a partition of 50,000 entries of the data's own questions on this
 * machine, one thread: the router's index (sketches, then bytes) beside a flat scan over the float
 * vectors, and how often the index's nearest is the exact nearest (or within 0.002 of its
 * similarity) when that is at or above the policy's floor (recall).
 */
final class IndexSpeed {
  static final int ENTRIES = 50_000;
  static final int QUERIES = 500;

  private IndexSpeed() {}

  static Map<String, Object> measure(float[][] texts) {
    int dims = texts[0].length;
    int entries = Math.min(ENTRIES, texts.length * 3 / 4);
    int queryCount = Math.min(QUERIES, texts.length - entries);
    SimilarityIndex index = new SimilarityIndex(entries, dims);
    float[] flat = new float[entries * dims];
    for (int i = 0; i < entries; i++) {
      index.add(i, texts[i]);
      System.arraycopy(texts[i], 0, flat, i * dims, dims);
    }
    java.lang.management.ThreadMXBean threads =
        java.lang.management.ManagementFactory.getThreadMXBean();
    long[] cpu = new long[queryCount];
    long[] bytes = new long[queryCount];
    long[] floats = new long[queryCount];
    int nearFloor = 0;
    int found = 0;
    for (int round = 0; round < 2; round++) { // the first round warms the compiler up
      for (int i = 0; i < queryCount; i++) {
        float[] query = texts[entries + i];
        long cpuStarted = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        long indexed = index.nearest(query, 4).get(0).entryId();
        bytes[i] = System.nanoTime() - started;
        cpu[i] = threads.getCurrentThreadCpuTime() - cpuStarted;
        started = System.nanoTime();
        long[] exact = floatScan(flat, dims, query);
        floats[i] = System.nanoTime() - started;
        if (round == 1 && Float.intBitsToFloat((int) exact[1]) >= HitPolicy.FLOOR) {
          nearFloor++;
          // a near tie may come out in the other order on bytes; the cache sees the same similarity
          float best = Float.intBitsToFloat((int) exact[1]);
          found +=
              indexed == exact[0] || best - similarity(flat, dims, (int) indexed, query) <= 0.002f
                  ? 1
                  : 0;
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("entries", entries);
    result.put("queries", queryCount);
    result.put("index_p50_ms", percentile(bytes, 0.50));
    result.put("index_p99_ms", percentile(bytes, 0.99));
    // on a machine shared with other work, wall time includes waiting for a core
    result.put("index_cpu_p50_ms", percentile(cpu, 0.50));
    result.put("index_cpu_p99_ms", percentile(cpu, 0.99));
    result.put(
        "load_average",
        SemanticCacheEval.round(
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage(),
            2));
    result.put("cores", Runtime.getRuntime().availableProcessors());
    result.put("float_scan_p50_ms", percentile(floats, 0.50));
    result.put("float_scan_p99_ms", percentile(floats, 0.99));
    result.put("index_megabytes", SemanticCacheEval.round(index.bytes() / 1e6, 1));
    result.put("float_megabytes", SemanticCacheEval.round(flat.length * 4 / 1e6, 1));
    result.put("queries_with_a_neighbour_above_floor", nearFloor);
    result.put(
        "recall_at_1_above_floor",
        nearFloor == 0 ? 1 : SemanticCacheEval.round((double) found / nearFloor, 4));
    return result;
  }

  private static float similarity(float[] flat, int dims, int slot, float[] query) {
    float s = 0;
    for (int i = 0; i < dims; i++) {
      s += flat[slot * dims + i] * query[i];
    }
    return s;
  }

  /** The nearest entry and its similarity's bits. */
  private static long[] floatScan(float[] flat, int dims, float[] query) {
    float best = -2;
    int bestSlot = -1;
    for (int offset = 0; offset < flat.length; offset += dims) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int i = 0; i < dims; i += 4) {
        s0 += query[i] * flat[offset + i];
        s1 += query[i + 1] * flat[offset + i + 1];
        s2 += query[i + 2] * flat[offset + i + 2];
        s3 += query[i + 3] * flat[offset + i + 3];
      }
      float similarity = s0 + s1 + s2 + s3;
      if (similarity > best) {
        best = similarity;
        bestSlot = offset / dims;
      }
    }
    return new long[] {bestSlot, Float.floatToIntBits(best)};
  }

  private static double percentile(long[] nanos, double q) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return SemanticCacheEval.round(sorted[(int) Math.floor(q * (sorted.length - 1))] / 1e6, 2);
  }
}
