package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.simulator.Outage;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real HTTP calls to the router under test, as an OpenAI client makes them, and the waits the tests
 * build on them.
 */
final class RouterClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String origin;
  private final String management;

  /**
   * @param origin the API
   * @param management the management interface's root, {@code .../q} (health and metrics)
   */
  RouterClient(String origin, String management) {
    this.origin = withoutSlash(origin);
    this.management = withoutSlash(management);
  }

  private static String withoutSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  static String chat(String model, String content) {
    return "{\"model\":\""
        + model
        + "\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\""
        + content
        + "\"}]}";
  }

  HttpResponse<String> post(String path, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(origin + path))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  HttpResponse<String> postBytes(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(origin + path))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
  }

  HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(20)).GET();
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return send(request.build());
  }

  /** What Prometheus scrapes from the router: {@code /q/metrics} on the management interface. */
  String scrape() {
    var response =
        send(
            HttpRequest.newBuilder(URI.create(management + "/metrics"))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
    assertThat(response.statusCode()).as("scrape of %s/metrics", management).isEqualTo(200);
    return response.body();
  }

  /** Sum of every sample of a Prometheus metric whose labels contain all of {@code labels}. */
  double metric(String name, String... labels) {
    String text = scrape();
    double sum = 0;
    Matcher line =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([-+0-9.eE]+|NaN)$")
            .matcher(text);
    while (line.find()) {
      String tags = line.group(1) == null ? "" : line.group(1);
      boolean all = true;
      for (String label : labels) {
        all &= tags.contains(label);
      }
      if (all && !line.group(2).equals("NaN")) {
        sum += Double.parseDouble(line.group(2));
      }
    }
    return sum;
  }

  /** The answer is stored after it is sent, so the next identical request may still be a miss. */
  HttpResponse<String> untilHit(String body, String... headers) {
    return untilHitOn("/v1/chat/completions", body, headers);
  }

  /** As {@link #untilHit}, on another endpoint. */
  HttpResponse<String> untilHitOn(String path, String body, String... headers) {
    List<HttpResponse<String>> hit = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              HttpResponse<String> response = post(path, body, headers);
              hit.add(0, response);
              return "hit".equals(RouterChecks.header(response, "x-beastmode-cache"));
            });
    return hit.get(0);
  }

  String modelFor(String model) {
    HttpResponse<String> response =
        post("/v1/chat/completions", chat(model, "which " + RouterChecks.unique()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return RouterChecks.header(response, "x-beastmode-model");
  }

  /** Writes the routing file and waits until the router applied it. */
  void reconfigure(RoutingConfig config) {
    try {
      String next = ConfigYaml.write(config);
      if (Files.exists(RouterTestResource.routingFile)
          && Files.readString(RouterTestResource.routingFile).equals(next)) {
        return;
      }
      double applied = metric("beastmode_router_config_reloads_total", "result=\"applied\"");
      RouterTestResource.write(config);
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () ->
                  metric("beastmode_router_config_reloads_total", "result=\"applied\"") > applied);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Restores the backends and waits until every model's circuit has closed again. */
  void healAndAwaitClosedCircuits() {
    RouterTestResource.openai.simulator().configure(RouterTestResource.openaiModels());
    RouterTestResource.openWeights.simulator().configure(RouterTestResource.openWeightsModels());
    RouterTestResource.peer.simulator().outage(Outage.none);
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              for (String model :
                  List.of("gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b")) {
                post("/v1/chat/completions", chat(model, "heal " + RouterChecks.unique()));
              }
              assertThat(metric("beastmode_router_circuit_state", "backend=\"model/")).isZero();
            });
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
