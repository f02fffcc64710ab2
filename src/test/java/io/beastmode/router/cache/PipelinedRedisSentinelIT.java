package io.beastmode.router.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisSentinelSet;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A router's pipelined connection through a real Sentinel set: the commands of one pass of the
 * event loop reach the master in one write, and after a failover (the master frozen) they reach the
 * new master in one write too (the Sentinel connection moves to a new server connection, which gets
 * the same coalescing).
 */
class PipelinedRedisSentinelIT {
  static final int COMMANDS = 200;

  RedisSentinelSet set;
  Vertx vertx;
  PipelinedRedis connection;

  @BeforeEach
  void start() {
    set = RedisSentinelSet.start(1, 3);
    vertx = Vertx.vertx();
    String address =
        "sentinel:" + RedisSentinelSet.MASTER_NAME + "@" + String.join(",", set.sentinelUrls());
    connection = new PipelinedRedis(Redis.createClient(vertx, RedisAddress.options(address)), true);
  }

  /** Stops what started; a set that failed to start stopped its own processes. */
  @AfterEach
  void stop() {
    if (set == null) {
      return;
    }
    connection.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    set.close();
  }

  @Test
  void aPassesCommandsReachTheMasterInOneWriteAlsoAfterAFailover() throws Exception {
    var first = set.master();
    await(connection.send(Request.cmd(Command.PING)));
    assertThat(readsForOnePass(first, "before")).isLessThanOrEqualTo(6);

    // Frozen, the old master keeps the connection open: the Sentinel connection moves to the
    // new master on Sentinel's word, without a new connect.
    set.freeze(first);
    var second = awaitWritesOnNewMaster(first);
    assertThat(readsForOnePass(second, "after")).isLessThanOrEqualTo(6);
    set.resume(first);
  }

  /**
   * The reads the master made while one pass of the event loop sent {@value #COMMANDS} commands
   * (Redis reads up to 16 KiB at once; the sentinels' and the replica's own traffic adds a few).
   */
  private long readsForOnePass(RedisSentinelSet.Node master, String prefix) throws Exception {
    long before = readsProcessed(master);
    Promise<List<Response>> replies = Promise.promise();
    vertx.runOnContext(
        ignored -> {
          List<Future<Response>> sent = new ArrayList<>();
          for (int i = 0; i < COMMANDS; i++) {
            sent.add(connection.send(Request.cmd(Command.SET).arg(prefix + ":" + i).arg(i)));
          }
          Future.all(sent).map(all -> all.<Response>list()).onComplete(replies);
        });
    assertThat(await(replies.future())).hasSize(COMMANDS);
    // The reads of this INFO and the one before count too.
    return readsProcessed(master) - before;
  }

  /** Until a command through the connection is answered by the new master (at most 30 s). */
  private RedisSentinelSet.Node awaitWritesOnNewMaster(RedisSentinelSet.Node old)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        var now = set.master();
        if (now != old) {
          await(connection.send(Request.cmd(Command.SET).arg("after:probe").arg(1)));
          return now;
        }
      } catch (Exception e) {
        // electing, or the connection still on the old master: again
      }
      assertThat(System.currentTimeMillis()).as("writes on a new master").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static long readsProcessed(RedisSentinelSet.Node node) throws Exception {
    try (var redis = RedisCommands.to(node.url())) {
      String stats = redis.send("INFO", "stats").toString();
      for (String line : stats.split("\r\n")) {
        if (line.startsWith("total_reads_processed:")) {
          return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
        }
      }
    }
    throw new IllegalStateException("no total_reads_processed in INFO stats");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
