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
 * header and the raw body, so a test can check what a gateway sent upstream.
 */
final class RequestLog {
  static final int KEPT = 100;

  private final Deque<ObjectNode> requests = new ArrayDeque<>();

  synchronized void record(RoutingContext ctx) {
    ObjectNode request =
        JsonNodeFactory.instance
            .objectNode()
            .put("method", ctx.request().method().name())
            .put("path", ctx.request().uri());
    ObjectNode headers = request.putObject("headers");
    for (Map.Entry<String, String> header : ctx.request().headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      ArrayNode values = headers.has(name) ? (ArrayNode) headers.get(name) : headers.putArray(name);
      values.add(header.getValue());
    }
    Buffer body = ctx.body().buffer();
    request.put("body", body == null ? "" : body.toString(StandardCharsets.UTF_8));
    requests.addLast(request);
    if (requests.size() > KEPT) {
      requests.removeFirst();
    }
  }

  /** The last {@code count} requests, oldest first. */
  synchronized List<ObjectNode> last(int count) {
    var all = new ArrayList<>(requests);
    return all.subList(Math.max(0, all.size() - count), all.size());
  }

  synchronized void clear() {
    requests.clear();
  }
}
