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
  private Process process;

  private RedisServer(String host, int port, Path dir) {
    this.host = host;
    this.port = port;
    this.dir = dir;
  }

  public static RedisServer start() {
    return start("127.0.0.1");
  }

  /**
   * Listening on {@code host} only: a node region's pods reach the host at its node IP, where a
   * loopback server is out of their reach.
   */
  public static RedisServer start(String host) {
    try {
      RedisServer server =
          new RedisServer(host, Ports.free(), Files.createTempDirectory("beastmode-redis"));
      server.startAgain();
      // A test that fails before it closes the server does not leave it running.
      Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
    try {
      process =
          new ProcessBuilder(
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
                  dir.toString())
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
