package io.beastmode.operator.recovery.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A region's router state dumped from one redis-server and restored into a fresh one. */
class RouterStateIT {
  static Vertx vertx;
  static RegionRedisClients clients;
  static RedisServer source;
  static RedisServer target;
  static RouterState state;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    clients = new RegionRedisClients(vertx);
    source = RedisServer.start();
    target = RedisServer.start();
    state = new RouterState(clients, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    clients.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    source.close();
    target.close();
  }

  @Test
  void historyAndBudgetsComeBackWithTheirExpiryAndTheCacheDoesNot() throws Exception {
    send(source, "HSET", "beastmode:history:team/chat:us-east:h:493000", "requests", "120");
    send(source, "EXPIRE", "beastmode:history:team/chat:us-east:h:493000", "3600");
    send(source, "SET", "beastmode:quota:{acme}:key:team/app:usd:2026-11-27", "1500000000");
    send(source, "SET", "beastmode:cache:team/chat:abc", "a cached answer");
    send(source, "SET", "beastmode:quota:{other}:key:elsewhere/app:usd:2026-11-27", "9");

    var cut =
        state.read(source.url(), List.of("beastmode:history:team/*", "beastmode:quota:{acme}:*"));

    assertThat(cut.entries())
        .extracting(RouterState.Entry::key)
        .containsExactlyInAnyOrder(
            "beastmode:history:team/chat:us-east:h:493000",
            "beastmode:quota:{acme}:key:team/app:usd:2026-11-27");
    var written = state.write(target.url(), cut.entries());
    assertThat(written).isEqualTo(new RouterState.Written(2, 0));
    assertThat(send(target, "HGET", "beastmode:history:team/chat:us-east:h:493000", "requests"))
        .hasToString("120");
    assertThat(send(target, "TTL", "beastmode:history:team/chat:us-east:h:493000").toLong())
        .isBetween(3590L, 3600L);
    assertThat(send(target, "TTL", "beastmode:quota:{acme}:key:team/app:usd:2026-11-27").toLong())
        .as("no expiry")
        .isEqualTo(-1);
    assertThat(send(target, "EXISTS", "beastmode:cache:team/chat:abc").toInteger()).isZero();
  }

  @Test
  void aKeyTheLiveRegionHasIsKeptAsItIs() throws Exception {
    send(source, "SET", "beastmode:quota:{live}:key:team/live:usd:2026-11-27", "100");
    var cut = state.read(source.url(), List.of("beastmode:quota:{live}:*"));
    send(target, "SET", "beastmode:quota:{live}:key:team/live:usd:2026-11-27", "250");

    assertThat(state.write(target.url(), cut.entries())).isEqualTo(new RouterState.Written(0, 1));
    assertThat(send(target, "GET", "beastmode:quota:{live}:key:team/live:usd:2026-11-27"))
        .hasToString("250");
  }

  private static Response send(RedisServer server, String command, String... args)
      throws Exception {
    try (var redis = RedisCommands.to(server.url())) {
      return redis.send(command, args);
    }
  }
}
