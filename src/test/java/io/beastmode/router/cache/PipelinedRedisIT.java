package io.beastmode.router.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.testing.RedisServer;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One connection per event loop against a real redis-server. */
class PipelinedRedisIT {
  static RedisServer redis;
  static Vertx vertx;
  static PipelinedRedis connection;
  static PipelinedRedis observer;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    connection = new PipelinedRedis(Redis.createClient(vertx, redis.url()), true);
    observer = new PipelinedRedis(Redis.createClient(vertx, redis.url()), true);
  }

  @AfterAll
  static void stop() {
    connection.close();
    observer.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    redis.close();
  }

  @Test
  void commandsSentInOnePassOfTheEventLoopReachRedisInOneWrite() throws Exception {
    // Connected first, so the pass below only sends.
    await(connection.send(Request.cmd(Command.PING)));
    long readsBefore = readsProcessed();
    int commands = 200;
    Promise<List<Response>> replies = Promise.promise();
    vertx.runOnContext(
        ignored -> {
          List<Future<Response>> sent = new ArrayList<>();
          for (int i = 0; i < commands; i++) {
            sent.add(connection.send(Request.cmd(Command.SET).arg("pass:" + i).arg(i)));
          }
          sent.add(connection.send(Request.cmd(Command.GET).arg("pass:" + (commands - 1))));
          Future.all(sent).map(all -> all.<Response>list()).onComplete(replies);
        });
    List<Response> answered = await(replies.future());

    assertThat(answered).hasSize(commands + 1);
    assertThat(answered.get(commands).toInteger()).isEqualTo(commands - 1);
    // One read for the whole pass (Redis reads up to 16 KiB at once), and one for each INFO asked;
    // a write per command would have taken Redis dozens of reads.
    assertThat(readsProcessed() - readsBefore).isLessThanOrEqualTo(4);
  }

  @Test
  void commandsSentOffTheEventLoopAreAnsweredToo() throws Exception {
    List<Future<Response>> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      sent.add(connection.send(Request.cmd(Command.INCR).arg("off-loop")));
    }
    List<Response> answered = await(Future.all(sent).map(all -> all.<Response>list()));
    assertThat(answered.get(answered.size() - 1).toInteger()).isEqualTo(50);
  }

  private static long readsProcessed() throws Exception {
    String stats = await(observer.send(Request.cmd(Command.INFO).arg("stats"))).toString();
    for (String line : stats.split("\r\n")) {
      if (line.startsWith("total_reads_processed:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new IllegalStateException("no total_reads_processed in INFO stats");
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
