package io.beastmode.demo;

import io.beastmode.api.v1alpha1.SloIndicators;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.slo.BurnRates;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.UsageSample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What one region's routers report in their heartbeats (cumulative per pod), turned into the last
 * few seconds' rates and the totals since the demo began. A pod that stops takes its counters with
 * it, so totals add each pod's increments rather than summing its counters.
 */
final class RouterReports {
  private static final long WINDOW_MILLIS = 10_000;

  private record Slice(long time, UsageSample usage, long semanticHits) {}

  private final String region;
  private final String redisUrl;
  private final RouterHeartbeats heartbeats;
  private final Map<String, Heartbeat> lastBeat = new HashMap<>();
  private final Deque<Slice> recent = new ArrayDeque<>();
  private UsageSample total = UsageSample.EMPTY;
  private double savedUsd;
  private long semanticHits;

  RouterReports(String region, String redisUrl, RouterHeartbeats heartbeats) {
    this.region = region;
    this.redisUrl = redisUrl;
    this.heartbeats = heartbeats;
  }

  /** Reads the region's heartbeats and adds what each pod served since its previous one. */
  synchronized void refresh(long now) {
    UsageSample added = UsageSample.EMPTY;
    long semantic = 0;
    try {
      for (var observed : heartbeats.read(redisUrl, null, region, Duration.ofSeconds(1))) {
        Heartbeat beat = observed.beat();
        Heartbeat before = lastBeat.put(beat.pod(), beat);
        boolean sameProcess = before != null && before.startedAt() == beat.startedAt();
        added =
            added.plus(
                sameProcess
                    ? UsageSample.of(beat).minus(UsageSample.of(before))
                    : UsageSample.of(beat));
        savedUsd += beat.savedUsd() - (sameProcess ? before.savedUsd() : 0);
        semantic += beat.semanticHits() - (sameProcess ? before.semanticHits() : 0);
      }
    } catch (RegionRedisClients.Unavailable e) {
      // The region's Redis cannot be read: nothing new to count this time.
    }
    total = total.plus(added);
    semanticHits += semantic;
    recent.addLast(new Slice(now, added, semantic));
    while (recent.peekFirst().time() < now - WINDOW_MILLIS) {
      recent.removeFirst();
    }
  }

  synchronized double requestsPerSecond() {
    long requests = recent.stream().skip(1).mapToLong(s -> s.usage().requests()).sum();
    long span = recent.size() < 2 ? 0 : recent.peekLast().time() - recent.peekFirst().time();
    return span == 0 ? 0 : requests * 1000.0 / span;
  }

  /** p95, cache hit rate and error rate over the last ten seconds. */
  synchronized SloIndicators recentIndicators() {
    return BurnRates.indicators(
        recent.stream().skip(1).map(Slice::usage).reduce(UsageSample.EMPTY, UsageSample::plus));
  }

  /**
   * Of the last ten seconds' cacheable requests, the share the semantic cache answered (included in
   * the cache hit rate); null without any.
   */
  synchronized Double recentSemanticPercent() {
    return semanticPercent(
        recent.stream().skip(1).mapToLong(Slice::semanticHits).sum(),
        recent.stream().skip(1).map(Slice::usage).reduce(UsageSample.EMPTY, UsageSample::plus));
  }

  /**
   * Of the cacheable requests in {@code usage}, the percentage answered by meaning; null without
   * any.
   */
  static Double semanticPercent(long semanticHits, UsageSample usage) {
    long cacheable = usage.cacheHits() + usage.cacheMisses();
    return cacheable == 0 ? null : 100.0 * semanticHits / cacheable;
  }

  /** Requests the semantic cache answered since the demo began. */
  synchronized long semanticHits() {
    return semanticHits;
  }

  synchronized SloIndicators totalIndicators() {
    return BurnRates.indicators(total);
  }

  synchronized UsageSample total() {
    return total;
  }

  synchronized double savedUsd() {
    return savedUsd;
  }
}
