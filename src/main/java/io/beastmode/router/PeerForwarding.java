package io.beastmode.router;

import static io.beastmode.router.Replies.HEADER_DEBUG;
import static io.beastmode.router.Replies.HEADER_DOMAIN;
import static io.beastmode.router.Replies.HEADER_FORWARDED_FROM;

import io.beastmode.router.access.Admission;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.router.upstream.UpstreamReply;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/** Forwarding a request to a peer region's router and relaying its answer to the caller. */
final class PeerForwarding {
  private PeerForwarding() {}

  /** Whether a request may go to a peer: never one a peer forwarded, so it cannot bounce back. */
  static boolean allowed(RoutingTable table, HttpServerRequest request) {
    return table.config().fallback().peerRegions
        && request.getHeader(HEADER_FORWARDED_FROM) == null;
  }

  /**
   * What a peer region's router needs to serve the request as this one would: the caller's key, in
   * the header it came in (peers hold the same keys) and, with open access, the tenant header.
   */
  static MultiMap headers(
      HttpServerRequest request, Admission admission, RoutingTable table, String region) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .add("content-type", "application/json")
            .add(HEADER_FORWARDED_FROM, region);
    PresentedKey key = admission.key();
    if (key != null) {
      headers.add(key.header(), key.headerValue());
    }
    List<String> passed =
        admission.caller() == null
            ? List.of(
                table.config().cache().tenantHeader, "cache-control", HEADER_DOMAIN, HEADER_DEBUG)
            : List.of("cache-control", HEADER_DOMAIN, HEADER_DEBUG);
    for (String name : passed) {
      String value = request.getHeader(name);
      if (value != null) {
        headers.add(name, value);
      }
    }
    return headers;
  }

  /**
   * Relays the peer's answer as it gave it, with its router's headers; {@code finish} runs before a
   * whole answer is sent and when a streamed one ends.
   */
  static void relay(UpstreamReply reply, HttpServerResponse response, IntConsumer finish) {
    response.setStatusCode(reply.status());
    for (Map.Entry<String, String> header : reply.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-beastmode-") || name.equals("content-type")) {
        response.putHeader(name, header.getValue());
      }
    }
    if (!reply.streaming()) {
      finish.accept(reply.status());
      response.end(reply.body());
      return;
    }
    response.setChunked(true);
    HttpClientResponse upstream = reply.stream();
    upstream.endHandler(end -> finish.accept(reply.status()));
    upstream.pipeTo(response);
  }
}
