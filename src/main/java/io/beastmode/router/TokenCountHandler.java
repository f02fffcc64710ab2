package io.beastmode.router;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.UpstreamKind;
import io.beastmode.router.access.Admission;
import io.beastmode.router.access.KeyRing;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.dialect.CanonicalRequest;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.Json;
import io.beastmode.router.dialect.MessagesDialect;
import io.beastmode.router.upstream.UpstreamClient.UpstreamCall;
import io.beastmode.wire.ModelRoute;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code POST /v1/messages/count_tokens}: the prompt's input tokens, counted by the model's own API
 * where it is Anthropic's, else the router's estimate, labelled {@code x-beastmode-token-count:
 * estimated} so a caller can tell. Counting costs nothing and is not metered against budgets.
 */
final class TokenCountHandler implements Handler<RoutingContext> {
  static final String HEADER_COUNT = "x-beastmode-token-count";

  private final Supplier<RoutingTable> tables;
  private final Supplier<KeyRing> keys;
  private final Exchange.Services services;

  TokenCountHandler(
      Supplier<RoutingTable> tables, Supplier<KeyRing> keys, Exchange.Services services) {
    this.tables = tables;
    this.keys = keys;
    this.services = services;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RoutingTable table = tables.get();
    Admission admission =
        keys.get().admit(PresentedKey.from(ctx.request()::getHeader), services.clock().instant());
    if (admission.refused()) {
      ctx.response().putHeader("connection", "close");
      fail(ctx, admission.error());
      return;
    }
    CompletionHandler.readBody(
        ctx.request(),
        table.config().limits().maxRequestBytes,
        body -> count(ctx, table, admission, body),
        error -> fail(ctx, error),
        () -> {});
  }

  private void count(RoutingContext ctx, RoutingTable table, Admission admission, Buffer body) {
    CanonicalRequest request;
    try {
      ObjectNode readable = CompletionRequest.readObject(body.getBytes());
      // Counting takes no max_tokens; the Messages reader wants one.
      if (!readable.has("max_tokens")) {
        readable.put("max_tokens", 1);
      }
      request = new MessagesDialect().parse(readable);
      if (!admission.allows(request.model())) {
        throw ApiError.modelNotAllowed(request.model());
      }
      if (!table.isAlias(request.model()) && !table.models().containsKey(request.model())) {
        throw ApiError.unknownModel(request.model());
      }
    } catch (ApiError error) {
      fail(ctx, error);
      return;
    }
    ModelRoute model = table.models().get(request.model());
    if (model == null || model.kind() != UpstreamKind.anthropic) {
      estimate(ctx, request);
      return;
    }
    UpstreamPlan plan =
        UpstreamPlan.of(
            Endpoint.messages,
            model,
            model.upstreamModel(),
            body,
            request.model(),
            () -> request,
            false,
            ctx.request()::getHeader);
    services
        .client()
        .send(
            plan.url().replace("/messages", "/messages/count_tokens"),
            plan.headers(),
            plan.body(),
            false,
            table.config().fallback().timeoutSeconds * 1000L,
            new UpstreamCall())
        .onComplete(
            result -> {
              if (result.succeeded() && result.result().ok()) {
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .putHeader(HEADER_COUNT, "exact")
                    .end(result.result().body());
              } else {
                // The count is advice: an upstream that cannot count leaves the estimate.
                estimate(ctx, request);
              }
            });
  }

  private void estimate(RoutingContext ctx, CanonicalRequest request) {
    ctx.response()
        .putHeader("content-type", "application/json")
        .putHeader(HEADER_COUNT, "estimated")
        .end(
            Buffer.buffer(Json.bytes(Json.object().put("input_tokens", request.promptEstimate()))));
  }

  private void fail(RoutingContext ctx, ApiError error) {
    HttpServerResponse response = ctx.response();
    if (!response.ended()) {
      Replies.sendError(response, error, services.region(), Dialect.messages);
    }
  }
}
