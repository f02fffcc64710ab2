package io.beastmode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A real Prometheus server and its promtool, as `make prometheus` provisions them
 * (.ci/provision-prometheus.sh); {@code -Dbeastmode.prometheus.dir=<dir>} points at another
 * directory holding both. The server runs as a process with its TSDB and log under a test's work
 * directory and is queried through its HTTP API.
 */
public final class Prometheus implements AutoCloseable {
  public static final String VERSION = "3.16.0";

  private static final Path DIRECTORY =
      Path.of(
          System.getProperty(
              "beastmode.prometheus.dir",
              Path.of(
                      System.getProperty("user.home"),
                      ".kubeapitest",
                      "tools",
                      "prometheus-" + VERSION)
                  .toString()));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final ServerProcess process;
  private final String base;

  private Prometheus(ServerProcess process, String base) {
    this.process = process;
    this.base = base;
  }

  /** The path of {@code prometheus} or {@code promtool}; fails saying how to provision it. */
  public static Path binary(String name) {
    Path binary = DIRECTORY.resolve(name);
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary + " not found; run make prometheus (.ci/provision-prometheus.sh)");
    }
    return binary;
  }

  /** What a promtool command printed (output and errors together) and how it ended. */
  public record Result(int exitCode, String output) {}

  /** Runs promtool with {@code args} in {@code directory}. */
  public static Result promtool(Path directory, String... args) {
    var command = new ArrayList<>(List.of(binary("promtool").toString()));
    command.addAll(List.of(args));
    try {
      Process process =
          new ProcessBuilder(command)
              .directory(directory.toFile())
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("promtool " + String.join(" ", args) + " hung");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts Prometheus on a free loopback port with {@code config} as its prometheus.yml, its TSDB
   * and log in {@code work}, and waits until it is ready.
   */
  public static Prometheus start(Path work, String config) {
    try {
      Files.createDirectories(work);
      Path configFile = work.resolve("prometheus.yml");
      Files.writeString(configFile, config);
      int port = Ports.free();
      var process =
          ServerProcess.start(
              "prometheus",
              List.of(
                  binary("prometheus").toString(),
                  "--config.file=" + configFile.toAbsolutePath(),
                  "--storage.tsdb.path=" + work.resolve("data").toAbsolutePath(),
                  "--web.listen-address=127.0.0.1:" + port,
                  "--log.level=warn"),
              work);
      String base = "http://127.0.0.1:" + port;
      try {
        process.awaitHttp(base + "/-/ready");
      } catch (RuntimeException e) {
        process.close();
        throw e;
      }
      return new Prometheus(process, base);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The answer of {@code GET /api/v1/<path>} with these parameters: the whole JSON, its {@code
   * status} "success" or "error" (with {@code errorType} and {@code error}).
   */
  public JsonNode api(String path, Map<String, String> parameters) {
    var query = new StringJoiner("&");
    parameters.forEach(
        (name, value) ->
            query.add(
                URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8)));
    try {
      var response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/" + path + "?" + query))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An instant query at the server's now. */
  public JsonNode query(String expr) {
    return api("query", Map.of("query", expr));
  }

  /** An instant query at {@code time}, as a Grafana stat panel runs one. */
  public JsonNode query(String expr, Instant time) {
    return api("query", Map.of("query", expr, "time", Long.toString(time.getEpochSecond())));
  }

  /** A range query, as a Grafana panel runs one. */
  public JsonNode queryRange(String expr, Instant start, Instant end, Duration step) {
    return api(
        "query_range",
        Map.of(
            "query",
            expr,
            "start",
            Long.toString(start.getEpochSecond()),
            "end",
            Long.toString(end.getEpochSecond()),
            "step",
            step.toSeconds() + "s"));
  }

  /** The sum of an instant query's values; 0 when it has none. */
  public double sum(String expr) {
    JsonNode answer = query(expr);
    double sum = 0;
    for (JsonNode series : answer.path("data").path("result")) {
      sum += series.path("value").path(1).asDouble();
    }
    return sum;
  }

  public Path log() {
    return process.log();
  }

  @Override
  public void close() {
    process.close();
  }
}
