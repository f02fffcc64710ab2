package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.router.api.CompletionRequest;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.LatencyHistogram;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reading routers' heartbeats from a real Redis that also holds a response cache: through the
 * region's index, never a scan of the keyspace, except for routers from before the index.
 */
class RouterHeartbeatsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static RedisServer server;
  static Vertx vertx;
  static Redis redis;
  static RegionRedisClients clients;
  static RouterHeartbeats heartbeats;

  @BeforeAll
  static void start() throws Exception {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, server.url());
    clients = new RegionRedisClients(vertx);
    heartbeats = new RouterHeartbeats(clients);
    // A region's response cache: the keys a scan would have to walk.
    for (int block = 0; block < 20; block++) {
      var cache = Request.cmd(Command.MSET);
      for (int i = 0; i < 1_000; i++) {
        cache.arg("beastmode:cache:" + block + ":" + i).arg("answer");
      }
      await(redis.send(cache));
    }
  }

  @AfterAll
  static void stop() {
    clients.close();
    vertx.close();
    server.close();
  }

  @Test
  void heartbeatsAreReadFromTheRegionsIndexWithoutScanningTheCache() throws Exception {
    publish(beat("team/chat", "east", "pod-0"));
    publish(beat("team/chat", "east", "pod-1"));
    publish(beat("team/search", "east", "pod-0"));
    publish(beat("team/chat", "west", "pod-0"));
    long scans = scans();

    assertThat(heartbeats.read(server.url(), "team/chat", "east", TIMEOUT))
        .extracting(o -> o.beat().pod())
        .containsExactlyInAnyOrder("pod-0", "pod-1");
    assertThat(heartbeats.read(server.url(), null, "east", TIMEOUT))
        .extracting(o -> o.beat().router())
        .containsExactlyInAnyOrder("team/chat", "team/chat", "team/search");
    assertThat(heartbeats.read(server.url(), null, "east", TIMEOUT)).allMatch(o -> o.fresh());
    assertThat(scans()).as("SCANs to read them").isEqualTo(scans);

    // A pod gone: its key expires, and the next read takes it out of the index too.
    await(redis.send(Request.cmd(Command.DEL).arg(Heartbeat.key("team/chat", "east", "pod-1"))));
    assertThat(heartbeats.read(server.url(), "team/chat", "east", TIMEOUT)).hasSize(1);
    assertThat(await(redis.send(Request.cmd(Command.SMEMBERS).arg(Heartbeat.index("east")))).size())
        .isEqualTo(2);
  }

  @Test
  void routersFromBeforeTheIndexAreStillFound() throws Exception {
    var beat = beat("team/old", "north", "pod-0");
    await(
        redis.send(
            Request.cmd(Command.SET)
                .arg(Heartbeat.key("team/old", "north", "pod-0"))
                .arg(CompletionRequest.json().writeValueAsString(beat))
                .arg("EX")
                .arg(Heartbeat.TTL_SECONDS)));
    assertThat(heartbeats.read(server.url(), "team/old", "north", TIMEOUT))
        .extracting(o -> o.beat().router())
        .containsExactly("team/old");
  }

  private static void publish(Heartbeat beat) throws Exception {
    await(
        redis.batch(
            Heartbeat.writes(beat, beat.pod(), CompletionRequest.json().writeValueAsBytes(beat))));
  }

  /** The SCAN calls Redis has served, from its own command statistics. */
  private static long scans() {
    String stats = await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    var calls = Pattern.compile("cmdstat_scan:calls=(\\d+)").matcher(stats);
    return calls.find() ? Long.parseLong(calls.group(1)) : 0;
  }

  private static Heartbeat beat(String router, String region, String pod) {
    return new Heartbeat(
        router,
        region,
        pod,
        "v1",
        "t1",
        0,
        System.currentTimeMillis(),
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        LatencyHistogram.BOUNDS_MS,
        new long[LatencyHistogram.BOUNDS_MS.length + 1],
        0,
        null);
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    return future.toCompletionStage().toCompletableFuture().join();
  }
}
