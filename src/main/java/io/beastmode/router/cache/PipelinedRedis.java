package io.beastmode.router.cache;

import io.netty.handler.flush.FlushConsolidationHandler;
import io.vertx.core.Future;
import io.vertx.core.net.impl.NetSocketInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One Redis connection kept open for the requests of one event loop: commands are pipelined on it
 * as they come, with no pool to take a connection from and give it back per command (a third of the
 * cache's cost under load, measured by make bench-router). A connection that breaks or is reset is
 * dropped, and the next command opens a new one; so is one whose server answers that it is a
 * replica now ({@code READONLY}, a demoted master).
 *
 * <p>The commands one pass of the event loop sends (the lookups of the requests it read, the stores
 * of the answers it got) go out in one write: each would otherwise be a system call of its own, and
 * on loopback a write costs the sender the receiver's side of TCP too (a sixth of the router's CPU
 * on a cache miss under load, measured by make bench-router).
 */
public final class PipelinedRedis {
  private static final Logger LOG = Logger.getLogger(PipelinedRedis.class);

  /** Set once a connection could not be given flush coalescing, so that is said only once. */
  private static final AtomicBoolean UNCOALESCED = new AtomicBoolean();

  private final Redis client;
  private final boolean ownsClient;
  private Future<RedisConnection> connection;
  private volatile Runnable demotedNoted = () -> {};

  /** {@code ownsClient}: close the client too on {@link #close}, else only the connection. */
  public PipelinedRedis(Redis client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
  }

  /** Runs {@code noted} on each reply that says the server is a replica now (READONLY). */
  public PipelinedRedis whenDemoted(Runnable noted) {
    this.demotedNoted = noted;
    return this;
  }

  public synchronized Future<Response> send(Request request) {
    Future<RedisConnection> current = connection;
    if (current == null) {
      Future<RedisConnection> opening = client.connect();
      connection = current = opening;
      // A connect that fails at once drops the field here already: send on the local future.
      opening
          .onSuccess(
              open -> {
                coalesceFlushes(open);
                open.exceptionHandler(error -> drop(opening)).endHandler(end -> drop(opening));
              })
          .onFailure(error -> drop(opening));
    }
    Future<RedisConnection> sentOn = current;
    return current
        .compose(open -> open.send(request))
        .onFailure(
            error -> {
              if (demoted(error)) {
                demotedNoted.run();
                drop(sentOn);
              }
            });
  }

  /**
   * Whether a command failed because its server is a replica now (a master that Sentinel demoted
   * while this connection stayed open): the next command connects again, and so reaches the new
   * master, instead of writing to the old one until the connection breaks.
   */
  static boolean demoted(Throwable error) {
    String message = error.getMessage();
    return message != null && message.startsWith("READONLY");
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

  /**
   * Defers the flush of each command to the end of the event loop's pass ({@link
   * FlushConsolidationHandler}, consolidating outside reads too), so commands sent in the same pass
   * share one write. The Redis client does not expose its socket: it is reached by reflection, and
   * a connection where that fails (another client version, a cluster or sentinel connection) writes
   * each command at once, as before.
   */
  private static void coalesceFlushes(RedisConnection connection) {
    try {
      Object standalone = connection.getClass().getMethod("actual").invoke(connection);
      Field socket = standalone.getClass().getDeclaredField("netSocket");
      socket.setAccessible(true);
      ((NetSocketInternal) socket.get(standalone))
          .channelHandlerContext()
          .pipeline()
          .addFirst(
              new FlushConsolidationHandler(
                  FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (UNCOALESCED.compareAndSet(false, true)) {
        LOG.infof(
            "Redis commands are written one at a time (%s cannot coalesce flushes: %s)",
            connection.getClass().getSimpleName(), e);
      }
    }
  }

  private synchronized void drop(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
