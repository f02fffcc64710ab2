package io.beastmode.operator.learning;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.router.learning.ExampleStream;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.LearnedSelectionKeys;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router's learned examples in two regions, west's Redis a real Sentinel set, across a failover
 * in west to a replica whose link was down while the operator copied east's examples in: the copies
 * and the operator's cursor are lost with the old master, the operator copies them again, and a
 * west router that had read the lost copies reads them once. Before that, west's new master writes
 * an entry with an id below the router's place (as a master whose clock is behind the old one's
 * would), which the router reads too.
 */
class LearnedExamplesFailoverIT {
  static final String ROUTER = "shop/chat";
  static final String STREAM = LearnedSelectionKeys.examples(ROUTER);

  RedisServer east;
  RedisSentinelSet west;
  Vertx vertx;
  RegionRedisClients clients;
  LearnedExamplesReplication replication;
  Map<String, String> regions;
  Redis westRouter;

  @BeforeEach
  void start() {
    east = RedisServer.start();
    west = RedisSentinelSet.start(1, 3);
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    replication = new LearnedExamplesReplication(clients);
    String westAddress = west.regionAddress();
    regions = Map.of("east", east.url(), "west", westAddress);
    westRouter = Redis.createClient(vertx, RedisAddress.options(westAddress));
  }

  /** Stops what started, also when the start failed part of the way. */
  @AfterEach
  void stop() {
    if (westRouter != null) {
      westRouter.close();
    }
    if (replication != null) {
      replication.close();
      clients.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
    if (west != null) {
      west.close();
    }
    east.close();
  }

  @Test
  void copiesMadeAgainAfterAFailoverAreReadOnceAndTheNewMastersEntriesAreRead() throws Exception {
    var reader = new ExampleStream(westRouter, STREAM, 100);
    learn(east.url(), "*", "feedback-1");
    learn(east.url(), "*", "feedback-2");
    var oldMaster = west.master();
    var replica = west.servers().stream().filter(n -> n != oldMaster).findFirst().orElseThrow();
    replica.cutReplication();
    assertThat(replication.replicate(ROUTER, regions)).isEqualTo(2);
    assertThat(replication.replicate(ROUTER, regions))
        .as("nothing more: east's cursor on west's stream is past the copies")
        .isZero();
    assertThat(readUntil(reader, "feedback-2")).containsExactly("feedback-1", "feedback-2");
    try (var redis = RedisCommands.to(replica.url())) {
      assertThat(redis.send("XLEN", STREAM).toLong()).as("the replica lacks the copies").isZero();
    }

    west.kill(oldMaster);
    awaitNewMaster(oldMaster);
    replica.restoreReplication();
    learn(replica.url(), "1-1", "failure-3");
    assertThat(readUntil(reader, "failure-3")).as("below the router's place").isNotEmpty();

    // East's two are copied again (the cursor was lost with them), west's failure-3 goes east.
    mergeUntil(
        () ->
            sources(replica.url()).containsAll(List.of("feedback-1", "feedback-2"))
                && sources(east.url()).contains("failure-3"));
    assertThat(sources(replica.url())).containsExactly("failure-3", "feedback-1", "feedback-2");
    learn(east.url(), "*", "feedback-4");
    mergeUntil(() -> sources(replica.url()).contains("feedback-4"));
    assertThat(readUntil(reader, "feedback-4"))
        .as("copies read once")
        .containsExactly("feedback-4");
  }

  /** Reads until an entry of {@code source} comes (at most 30 s); the sources read meanwhile. */
  private static List<String> readUntil(ExampleStream reader, String source) throws Exception {
    var read = new ArrayList<String>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (!read.contains(source)) {
      assertThat(System.currentTimeMillis()).as(source + " read").isLessThan(deadline);
      try {
        var page = reader.next().toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
        for (var entry : page.entries()) {
          read.add(entry.fields().get(LearnedSelectionKeys.SOURCE).toString());
        }
      } catch (Exception redisAway) {
        Thread.sleep(100);
      }
    }
    return read;
  }

  /** Merges every 200 ms until {@code done} (at most 30 s: west may still be failing over). */
  private void mergeUntil(java.util.concurrent.Callable<Boolean> done) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      replication.replicate(ROUTER, regions);
      if (done.call()) {
        return;
      }
      assertThat(System.currentTimeMillis()).as("merged").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** The sources of a stream's entries, in order. */
  private static List<String> sources(String url) throws Exception {
    var sources = new ArrayList<String>();
    try (var redis = RedisCommands.to(url)) {
      for (var entry : redis.send("XRANGE", STREAM, "-", "+")) {
        var fields = entry.get(1);
        for (int i = 0; i + 1 < fields.size(); i += 2) {
          if (fields.get(i).toString().equals(LearnedSelectionKeys.SOURCE)) {
            sources.add(fields.get(i + 1).toString());
          }
        }
      }
    }
    return sources;
  }

  private void awaitNewMaster(RedisSentinelSet.Node old) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        if (west.master() != old) {
          return;
        }
      } catch (IllegalStateException electing) {
        // ask again
      }
      assertThat(System.currentTimeMillis()).as("a new master named").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** An example as a router writes it, with the id Redis gives it ({@code *}) or this one. */
  private static void learn(String url, String id, String source) throws Exception {
    try (var redis = RedisCommands.to(url)) {
      redis.send(
          "XADD",
          STREAM,
          id,
          LearnedSelectionKeys.EMBEDDING,
          "\u0000\u0001\u0002\u0003",
          LearnedSelectionKeys.CHARS,
          "42",
          LearnedSelectionKeys.SOURCE,
          source);
    }
  }
}
