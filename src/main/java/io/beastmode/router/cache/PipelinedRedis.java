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
import java.util.concurrent.atomic.AtomicReference;
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

  /**
   * A Sentinel connection's current server connection, which it replaces with one to the new master
   * at a failover; null when the client is not of that version.
   */
  private static final Field SENTINEL_SERVER = sentinelServerField();

  private final Redis client;
  private final boolean ownsClient;
  private Future<RedisConnection> connection;

  /** The server connection last given flush coalescing, under a Sentinel connection. */
  private Object coalescedServer;

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
                coalesceFlushes(serverOf(open));
                open.exceptionHandler(error -> drop(opening)).endHandler(end -> drop(opening));
              })
          .onFailure(error -> drop(opening));
    }
    Future<RedisConnection> sentOn = current;
    return current
        .compose(
            open -> {
              followFailover(open);
              return open.send(request);
            })
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
   * A Sentinel connection with automatic failover moves to a new server connection when the master
   * changes: that one gets flush coalescing too, on its first command.
   */
  private void followFailover(RedisConnection open) {
    if (SENTINEL_SERVER == null || SENTINEL_SERVER.getDeclaringClass() != open.getClass()) {
      return;
    }
    Object server = serverOf(open);
    if (server != coalescedServer) {
      coalescedServer = server;
      coalesceFlushes(server);
    }
  }

  /** The connection to one server that {@code connection} sends on now. */
  private static Object serverOf(RedisConnection connection) {
    if (SENTINEL_SERVER != null && SENTINEL_SERVER.getDeclaringClass() == connection.getClass()) {
      try {
        return ((AtomicReference<?>) SENTINEL_SERVER.get(connection)).get();
      } catch (IllegalAccessException e) {
        return connection;
      }
    }
    return connection;
  }

  private static Field sentinelServerField() {
    try {
      Field field =
          Class.forName("io.vertx.redis.client.impl.RedisSentinelConnection")
              .getDeclaredField("connection");
      field.setAccessible(true);
      return field.getType() == AtomicReference.class ? field : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Defers the flush of each command to the end of the event loop's pass ({@link
   * FlushConsolidationHandler}, consolidating outside reads too), so commands sent in the same pass
   * share one write. The Redis client does not expose its socket: it is reached by reflection, and
   * a connection where that fails (another client version, a cluster connection) writes each
   * command at once, as before.
   *
   * @param server a pooled connection to one server (of a standalone or a Sentinel client)
   */
  private static void coalesceFlushes(Object server) {
    try {
      Object standalone = server.getClass().getMethod("actual").invoke(server);
      Field socket = standalone.getClass().getDeclaredField("netSocket");
      socket.setAccessible(true);
      var pipeline =
          ((NetSocketInternal) socket.get(standalone)).channelHandlerContext().pipeline();
      if (pipeline.get(FlushConsolidationHandler.class) == null) {
        pipeline.addFirst(
            new FlushConsolidationHandler(
                FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (UNCOALESCED.compareAndSet(false, true)) {
        LOG.infof(
            "Redis commands are written one at a time (%s cannot coalesce flushes: %s)",
            server.getClass().getSimpleName(), e);
      }
    }
  }

  private synchronized void drop(Future<RedisConnection> which) {
    if (connection == which) {
      connection = null;
    }
  }
}
