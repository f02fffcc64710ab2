package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real redis-server process (Debian's redis-server) on a free port, without persistence. Can be
 * stopped and started again on the same port, the way a Redis outage looks to a router. Closing it
 * stops it for good and removes its directory.
 */
public final class RedisServer implements AutoCloseable {
  private final String host;
  private final int port;
  private final Path dir;
  private final boolean cluster;
  private Process process;

  private RedisServer(String host, int port, Path dir, boolean cluster) {
    this.host = host;
    this.port = port;
    this.dir = dir;
    this.cluster = cluster;
  }

  public static RedisServer start() {
    return start("127.0.0.1");
  }

  /**
   * A Redis Cluster of this one node, owning every hash slot: a client talks to it as to one
   * server, and Redis refuses (CROSSSLOT) a script or transaction whose keys are in different
   * slots, as a cluster of several nodes must.
   */
  public static RedisServer startCluster() {
    return start("127.0.0.1", true);
  }

  /**
   * Listening on {@code host} only: a node region's pods reach the host at its node IP, where a
   * loopback server is out of their reach.
   */
  public static RedisServer start(String host) {
    return start(host, false);
  }

  private static RedisServer start(String host, boolean cluster) {
    try {
      RedisServer server =
          new RedisServer(
              host, Ports.free(), Files.createTempDirectory("beastmode-redis"), cluster);
      server.startAgain();
      // A test that fails before it closes the server does not leave it running.
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The redis-server process's id; -1 while it is not running. */
  public synchronized long pid() {
    return process == null || !process.isAlive() ? -1 : process.pid();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://" + host + ":" + port;
  }

  /** Starts the server again after {@link #stop()}; does nothing while it runs. */
  public synchronized void startAgain() {
    if (process != null && process.isAlive()) {
      return;
    }
    var command =
        new java.util.ArrayList<>(
            java.util.List.of(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                host,
                // no password, and not only loopback: without this, Redis refuses the pods
                "--protected-mode",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
    if (cluster) {
      command.addAll(
          java.util.List.of(
              "--cluster-enabled",
              "yes",
              "--cluster-config-file",
              dir.resolve("nodes.conf").toString()));
    }
    try {
      process =
          new ProcessBuilder(command)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "redis-server is not installed (Debian package redis-server)", e);
    }
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (!accepting()) {
      if (Instant.now().isAfter(deadline) || !process.isAlive()) {
        throw new IllegalStateException("redis-server did not start on port " + port);
      }
      sleep(20);
    }
    if (cluster) {
      ownEverySlot(deadline);
    }
  }

  private void ownEverySlot(Instant deadline) {
    try (var commands = RedisCommands.to(url())) {
      if (!commands.send("CLUSTER", "INFO").toString().contains("cluster_slots_assigned:16384")) {
        commands.send("CLUSTER", "ADDSLOTSRANGE", "0", "16383");
      }
      while (!commands.send("CLUSTER", "INFO").toString().contains("cluster_state:ok")) {
        if (Instant.now().isAfter(deadline)) {
          throw new IllegalStateException("the one-node cluster did not come up");
        }
        sleep(50);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not give the one-node cluster its slots", e);
    }
  }

  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  @Override
  public void close() {
    stop();
    TempFiles.delete(dir);
  }

  private boolean accepting() {
    try (Socket socket = new Socket(host, port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
