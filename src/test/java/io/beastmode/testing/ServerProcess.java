package io.beastmode.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A server a test, the demo or a benchmark starts as its own process, its output in a log file,
 * stopped on close.
 */
public final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ServerProcess start(String name, List<String> command, Path workDir) {
    return start(name, command, Map.of(), workDir);
  }

  /** With {@code env} added to this process's environment. */
  public static ServerProcess start(
      String name, List<String> command, Map<String, String> env, Path workDir) {
    Path log = workDir.resolve(name + ".log");
    try {
      var builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().putAll(env);
      Process process = builder.redirectOutput(log.toFile()).start();
      return new ServerProcess(name, process, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /**
   * The packaged application's model simulator on {@code port}, serving the models of {@code
   * config}, started and accepting connections.
   */
  public static ServerProcess simulator(int port, String config, Path workDir) {
    return start(
            "simulator",
            List.of(
                java(),
                "-Dbeastmode.role=simulator",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + Ports.free(),
                "-Dbeastmode.simulator.config=" + config,
                "-Dquarkus.vertx.cache-directory=" + workDir.resolve("vertx-cache"),
                "-jar",
                "target/quarkus-app/quarkus-run.jar"),
            workDir)
        .awaitPort(port);
  }

  /** The java of this JVM, for the Java servers. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Waits until {@code url} answers 200. */
  public ServerProcess awaitHttp(String url) {
    return await(
        () -> {
          try {
            return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode()
                == 200;
          } catch (IOException e) {
            return false;
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        });
  }

  /** Waits until something accepts connections on {@code port}. */
  public ServerProcess awaitPort(int port) {
    return await(
        () -> {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
          } catch (IOException e) {
            return false;
          }
        });
  }

  private ServerProcess await(BooleanSupplier ready) {
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + log);
      }
      if (ready.getAsBoolean()) {
        return this;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(name + " did not become ready in 90 s; see " + log);
  }

  /** Peak resident memory of the process so far (VmHWM), in MiB; NaN where /proc does not say. */
  public double peakMemoryMiB() {
    return statusMiB("VmHWM:");
  }

  /** Resident memory of the process now (VmRSS), in MiB; NaN where /proc does not say. */
  public double memoryMiB() {
    return statusMiB("VmRSS:");
  }

  public boolean alive() {
    return process.isAlive();
  }

  private double statusMiB(String field) {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through: not on Linux, or already gone
    }
    return Double.NaN;
  }

  /** Kills the process at once (SIGKILL), as a lost node or the OOM killer does, and waits. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
