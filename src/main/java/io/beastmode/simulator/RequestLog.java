package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The last requests that reached the model APIs, as they arrived: method, path with query, every
 * header and the raw body, so a test can check what a gateway sent upstream. Kept as received and
 * turned into JSON only when asked for, so recording costs a benchmark little.
 */
final class RequestLog {
  static final int KEPT = 100;

  /** Bodies are kept up to this size, so a hundred large requests cannot fill the heap. */
  static final int BODY_KEPT_BYTES = 1024 * 1024;

  private record Received(
      String method,
      String path,
      List<Map.Entry<String, String>> headers,
      Buffer body,
      int bodyBytes) {}

  private final Deque<Received> requests = new ArrayDeque<>();

  void record(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    int bytes = body == null ? 0 : body.length();
    Buffer kept =
        body == null ? Buffer.buffer() : body.getBuffer(0, Math.min(bytes, BODY_KEPT_BYTES));
    var received =
        new Received(
            ctx.request().method().name(),
            ctx.request().uri(),
            ctx.request().headers().entries(),
            kept,
            bytes);
    synchronized (this) {
      requests.addLast(received);
      if (requests.size() > KEPT) {
        requests.removeFirst();
      }
    }
  }

  /**
   * The last {@code count} requests, oldest first: method, path, headers (lower-case name to its
   * values), body as text, and bodyBytes, its full size (above the body's when it was cut).
   */
  List<ObjectNode> last(int count) {
    List<Received> all;
    synchronized (this) {
      all = new ArrayList<>(requests);
    }
    var last = new ArrayList<ObjectNode>();
    for (Received received : all.subList(Math.max(0, all.size() - count), all.size())) {
      last.add(json(received));
    }
    return last;
  }

  synchronized void clear() {
    requests.clear();
  }

  private static ObjectNode json(Received received) {
    ObjectNode request =
        JsonNodeFactory.instance
            .objectNode()
            .put("method", received.method())
            .put("path", received.path());
    ObjectNode headers = request.putObject("headers");
    for (Map.Entry<String, String> header : received.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      ArrayNode values = headers.has(name) ? (ArrayNode) headers.get(name) : headers.putArray(name);
      values.add(header.getValue());
    }
    return request
        .put("body", received.body().toString(StandardCharsets.UTF_8))
        .put("bodyBytes", received.bodyBytes());
  }
}
