package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Real HTTP/1.1 calls to a {@link SimulatorServer}, as an OpenAI client makes them. */
final class SimulatorClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String origin;

  SimulatorClient(SimulatorServer server) {
    this.origin = server.origin();
  }

  HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return post(path, body, Duration.ofSeconds(10));
  }

  HttpResponse<String> post(String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    return send(request(path, timeout).POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST with extra headers, given as name, value, name, value... */
  HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    var request = request(path, Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A GET with extra headers, given as name, value, name, value... */
  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    var request = request(path, Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.GET());
  }

  HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return send(request(path, Duration.ofSeconds(10)).DELETE());
  }

  HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
    var request = request(path, Duration.ofSeconds(10));
    return send(request.PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A chat completion request for {@code model} with one user message. */
  HttpResponse<String> chat(String model, String userMessage)
      throws IOException, InterruptedException {
    var body = JSON.createObjectNode().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", userMessage);
    return post("/v1/chat/completions", body.toString());
  }

  JsonNode stats() throws IOException, InterruptedException {
    return json(get("/sim/stats"));
  }

  static JsonNode json(HttpResponse<String> response) {
    return parse(response.body());
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The data of each server-sent event of a stream body, in order. */
  static List<String> events(String body) {
    var events = new ArrayList<String>();
    for (String event : body.split("\n\n")) {
      if (!event.startsWith("data: ")) {
        throw new AssertionError("not a data event: " + event);
      }
      events.add(event.substring("data: ".length()));
    }
    return events;
  }

  /** The events of an Anthropic stream: each one's name and its data, in order. */
  static List<SseEvent> namedEvents(String body) {
    var events = new ArrayList<SseEvent>();
    for (String event : body.split("\n\n")) {
      String[] lines = event.split("\n", 2);
      if (lines.length != 2 || !lines[0].startsWith("event: ") || !lines[1].startsWith("data: ")) {
        throw new AssertionError("not a named event: " + event);
      }
      events.add(
          new SseEvent(
              lines[0].substring("event: ".length()),
              parse(lines[1].substring("data: ".length()))));
    }
    return events;
  }

  /** A server-sent event with a name. */
  record SseEvent(String name, JsonNode data) {}

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(origin + path))
        .timeout(timeout)
        .header("content-type", "application/json");
  }

  private static HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
