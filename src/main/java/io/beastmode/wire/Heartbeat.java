package io.beastmode.wire;

import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;

/**
 * What a router pod publishes to its region's Redis every second: cumulative totals since it
 * started and its latency histogram. The operator takes differences between heartbeats for rates,
 * and sums pods for a region; a changed {@code startedAt} means the pod restarted and its totals
 * began again.
 *
 * @param router the LLMRouter as namespace/name
 * @param configVersion version of the routing file the pod runs
 * @param trafficVersion version of the traffic file (peers and weights) the pod runs
 * @param latencyBoundsMs upper bounds of the histogram buckets; {@code latencyCounts} has one more
 * @param semanticHits of {@code cacheHits}, those the semantic cache answered (a prompt asked in
 *     other words); 0 from a router that predates it
 * @param selection the learned selection's policy in force and its figures; null without the
 *     learned policy and from a router that predates it
 */
public record Heartbeat(
    String router,
    String region,
    String pod,
    String configVersion,
    String trafficVersion,
    long startedAt,
    long time,
    long requests,
    long errors,
    long cacheHits,
    long cacheMisses,
    long cacheBypasses,
    long cacheErrors,
    long fallbacks,
    int inFlight,
    long promptTokens,
    long completionTokens,
    double costUsd,
    double savedUsd,
    long[] latencyBoundsMs,
    long[] latencyCounts,
    long semanticHits,
    SelectionSummary selection) {

  /** Redis key of one pod's heartbeat. */
  public static String key(String router, String region, String pod) {
    return prefix(router, region) + pod;
  }

  /** What the keys of one router's heartbeats in a region begin with. */
  public static String prefix(String router, String region) {
    return "beastmode:heartbeat:" + router + ":" + region + ":";
  }

  /**
   * Redis set of the heartbeat keys written in a region, which each router adds its key to as it
   * writes it: the operator reads heartbeats from it instead of scanning a keyspace that holds the
   * region's whole response cache.
   */
  public static String index(String region) {
    return "beastmode:heartbeat-index:" + region;
  }

  /** A pod that stopped publishing disappears from Redis after this many seconds. */
  public static final int TTL_SECONDS = 10;

  /** Writes a pod's heartbeat, expiring, and adds its key to the region's index. */
  public static List<Request> writes(Heartbeat beat, String pod, byte[] json) {
    String key = key(beat.router(), beat.region(), pod);
    return List.of(
        Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(json)).arg("EX").arg(TTL_SECONDS),
        Request.cmd(Command.SADD).arg(index(beat.region())).arg(key));
  }
}
