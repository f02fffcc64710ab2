package io.beastmode.wire;

import java.util.Arrays;

/**
 * Requests a router served over some span of time, in the units its SLOs are measured in. A
 * heartbeat's cumulative totals make one; the difference of two is what happened between them.
 *
 * @param latencyCounts requests per latency bucket, bounds as in {@link LatencyHistogram#BOUNDS_MS}
 */
public record UsageSample(
    long requests,
    long errors,
    long cacheHits,
    long cacheMisses,
    double costUsd,
    long[] latencyCounts) {

  public static final UsageSample EMPTY =
      new UsageSample(0, 0, 0, 0, 0, new long[LatencyHistogram.BOUNDS_MS.length + 1]);

  public static UsageSample of(Heartbeat beat) {
    return new UsageSample(
        beat.requests(),
        beat.errors(),
        beat.cacheHits(),
        beat.cacheMisses(),
        beat.costUsd(),
        beat.latencyCounts().clone());
  }

  public UsageSample plus(UsageSample other) {
    return combine(other, 1);
  }

  public UsageSample minus(UsageSample other) {
    return combine(other, -1);
  }

  public boolean isEmpty() {
    return requests == 0
        && errors == 0
        && cacheHits == 0
        && cacheMisses == 0
        && costUsd == 0
        && Arrays.stream(latencyCounts).allMatch(c -> c == 0);
  }

  private UsageSample combine(UsageSample other, int sign) {
    long[] latency = new long[Math.max(latencyCounts.length, other.latencyCounts.length)];
    for (int i = 0; i < latency.length; i++) {
      latency[i] = at(latencyCounts, i) + sign * at(other.latencyCounts, i);
    }
    return new UsageSample(
        requests + sign * other.requests,
        errors + sign * other.errors,
        cacheHits + sign * other.cacheHits,
        cacheMisses + sign * other.cacheMisses,
        costUsd + sign * other.costUsd,
        latency);
  }

  private static long at(long[] counts, int i) {
    return i < counts.length ? counts[i] : 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UsageSample s
        && requests == s.requests
        && errors == s.errors
        && cacheHits == s.cacheHits
        && cacheMisses == s.cacheMisses
        && Double.compare(costUsd, s.costUsd) == 0
        && Arrays.equals(latencyCounts, s.latencyCounts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(latencyCounts) * 31 + Long.hashCode(requests);
  }

  @Override
  public String toString() {
    return "UsageSample[requests="
        + requests
        + ", errors="
        + errors
        + ", hits="
        + cacheHits
        + ", misses="
        + cacheMisses
        + ", cost="
        + costUsd
        + ", latency="
        + Arrays.toString(latencyCounts)
        + "]";
  }
}
