package io.beastmode.operator.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.LearnedSelectionKeys;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The learned selection's examples merged across two regions' real redis-servers. */
class LearnedExamplesReplicationIT {
  static final String ROUTER = "shop/chat";
  static final String STREAM = LearnedSelectionKeys.examples(ROUTER);

  RedisServer east;
  RedisServer west;
  Vertx vertx;
  RegionRedisClients clients;
  LearnedExamplesReplication replication;
  Map<String, String> regions;

  @BeforeEach
  void start() {
    east = RedisServer.start();
    west = RedisServer.start();
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    replication = new LearnedExamplesReplication(clients);
    regions = Map.of("east", east.url(), "west", west.url());
  }

  @AfterEach
  void stop() {
    replication.close();
    clients.close();
    vertx.close();
    east.close();
    west.close();
  }

  @Test
  void eachRegionsExamplesReachTheOthersOnceAndCopiesAreNeverCopiedBack() throws Exception {
    learn(east, "feedback-1");
    learn(east, "csv-2");
    learn(west, "failure-3");

    assertThat(replication.replicate(ROUTER, regions)).isEqualTo(3);

    assertThat(examples(east)).containsExactly("feedback-1", "csv-2", "failure-3 from west");
    assertThat(examples(west))
        .containsExactly("failure-3", "feedback-1 from east", "csv-2 from east");
    // Fields come across whole: the embedding's bytes and each model's outcome.
    try (var redis = RedisCommands.to(west.url())) {
      var copy = redis.send("XRANGE", STREAM, "-", "+").get(1).get(1);
      assertThat(field(copy, LearnedSelectionKeys.EMBEDDING)).isEqualTo("\u0000\u0001\u0002\u0003");
      assertThat(field(copy, LearnedSelectionKeys.OUTCOME + "gpt-4o")).isEqualTo("1");
    }

    assertThat(replication.replicate(ROUTER, regions)).as("nothing twice").isZero();
    learn(east, "feedback-4");
    assertThat(replication.replicate(ROUTER, regions)).isEqualTo(1);
    assertThat(examples(west)).hasSize(4).last().isEqualTo("feedback-4 from east");
    assertThat(examples(east)).hasSize(4);
  }

  @Test
  void aRegionThatCannotBeReachedCatchesUpWhenItCanBe() throws Exception {
    learn(east, "feedback-1");
    learn(east, "feedback-2");
    west.stop();

    assertThat(replication.replicate(ROUTER, regions)).isZero();

    west.startAgain();
    assertThat(replication.replicate(ROUTER, regions)).isEqualTo(2);
    assertThat(examples(west)).containsExactly("feedback-1 from east", "feedback-2 from east");
  }

  @Test
  void aWatchedRouterIsMergedEveryFewSeconds() throws Exception {
    learn(east, "feedback-1");
    replication.watch(ROUTER, regions);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(examples(west)).containsExactly("feedback-1 from east"));
    replication.forget(ROUTER);
  }

  /** An example as a router writes it. */
  private static void learn(RedisServer region, String source) throws Exception {
    try (var redis = RedisCommands.to(region.url())) {
      redis.send(
          "XADD",
          STREAM,
          "*",
          LearnedSelectionKeys.EMBEDDING,
          "\u0000\u0001\u0002\u0003",
          LearnedSelectionKeys.CHARS,
          "42",
          LearnedSelectionKeys.SOURCE,
          source,
          LearnedSelectionKeys.OUTCOME + "gpt-4o",
          "1");
    }
  }

  /** Each entry's source, and the region it was copied from. */
  private static List<String> examples(RedisServer region) throws Exception {
    var out = new ArrayList<String>();
    try (var redis = RedisCommands.to(region.url())) {
      for (var entry : redis.send("XRANGE", STREAM, "-", "+")) {
        var fields = entry.get(1);
        String from = field(fields, LearnedSelectionKeys.ORIGIN);
        out.add(field(fields, LearnedSelectionKeys.SOURCE) + (from == null ? "" : " from " + from));
      }
    }
    return out;
  }

  private static String field(io.vertx.redis.client.Response fields, String name) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (fields.get(i).toString().equals(name)) {
        return fields.get(i + 1).toString();
      }
    }
    return null;
  }
}
