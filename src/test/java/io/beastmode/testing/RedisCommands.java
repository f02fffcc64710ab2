package io.beastmode.testing;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;

/** A test's own connection to a redis-server, for reading and writing what routers would. */
public final class RedisCommands implements AutoCloseable {
  private final Vertx vertx;
  private final Redis client;

  private RedisCommands(String url) {
    this.vertx = Vertx.vertx();
    this.client = Redis.createClient(vertx, url);
  }

  public static RedisCommands to(String url) {
    return new RedisCommands(url);
  }

  /** Runs one command, e.g. {@code send("HSET", key, field, value)}; waits at most 5 s. */
  public Response send(String command, String... args) throws Exception {
    Request request = Request.cmd(Command.create(command));
    for (String arg : args) {
      request.arg(arg);
    }
    return send(request);
  }

  public Response send(Request request) throws Exception {
    return client.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** A counter's value; 0 when it does not exist. */
  public long number(String key) throws Exception {
    Response value = send("GET", key);
    return value == null ? 0 : value.toLong();
  }

  /** A hash field's value as a number; 0 when it does not exist. */
  public long number(String hash, String field) throws Exception {
    Response value = send("HGET", hash, field);
    return value == null ? 0 : value.toLong();
  }

  @Override
  public void close() {
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }
}
