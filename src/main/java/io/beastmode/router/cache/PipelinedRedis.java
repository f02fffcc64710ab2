package io.beastmode.router.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One Redis connection kept open for the requests of one event loop: commands are pipelined on it
 * as they come, with no pool to take a connection from and give it back per command (a third of the
 * cache's cost under load, measured by make bench-router). A connection that breaks or is reset is
 * dropped, and the next command opens a new one.
 */
public final class PipelinedRedis {
  private final Redis client;
  private final boolean ownsClient;
  private Future<RedisConnection> connection;

  /** {@code ownsClient}: close the client too on {@link #close}, else only the connection. */
  public PipelinedRedis(Redis client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
  }

  public synchronized Future<Response> send(Request request) {
    Future<RedisConnection> current = connection;
    if (current == null) {
      Future<RedisConnection> opening = client.connect();
      connection = current = opening;
      // A connect that fails at once drops the field here already: send on the local future.
      opening
          .onSuccess(
              open ->
                  open.exceptionHandler(error -> drop(opening)).endHandler(end -> drop(opening)))
          .onFailure(error -> drop(opening));
    }
    return current.compose(open -> open.send(request));
  }

  /**
   * Drops the connection after a command on it failed or took too long; the next command opens
   * another.
   */
  public synchronized void reset() {
    Future<RedisConnection> current = connection;
    connection = null;
    if (current != null) {
      current.onSuccess(RedisConnection::close);
    }
  }

  public void close() {
    reset();
    if (ownsClient) {
      client.close();
    }
  }

  private synchronized void drop(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
