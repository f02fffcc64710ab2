package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Entry ids on a real redis-server whose counter goes back, as after a failover to a late replica.
 */
class SemanticStoreIdsTest {
  static final String ROUTER = "team/chat";

  static RedisServer server;
  static Vertx vertx;
  static Redis redis;

  @BeforeAll
  static void start() {
    server = RedisServer.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, server.url());
  }

  @AfterAll
  static void stop() {
    redis.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    server.close();
  }

  @Test
  void idsNeverRepeatAfterTheRegionCounterGoesBack() throws Exception {
    var first = new SemanticStore(redis, redis::send, ROUTER);
    var second = new SemanticStore(redis, redis::send, ROUTER);
    assertThat(await(first.nextId(1))).isEqualTo(1);
    assertThat(await(second.nextId(1))).isEqualTo(2);
    assertThat(await(first.nextId(3))).isEqualTo(3);

    // The new master had seen the first increment only.
    await(redis.send(Request.cmd(Command.SET).arg("beastmode:semantic:" + ROUTER + ":seq").arg(1)));

    // The router that issued 3 asks above it; one that saw nothing yet still gets a fresh id.
    assertThat(await(first.nextId(4))).isEqualTo(4);
    assertThat(await(second.nextId(1))).isEqualTo(5);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
