package io.beastmode.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.CompletionRequest.InvalidRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fake OpenAI-compatible model backend. It answers {@code /v1/chat/completions}, {@code
 * /v1/completions} and {@code /v1/models} for the models of its config, with the latency, token
 * rate, errors and outages the config asks for, and serves {@code /sim/config}, {@code /sim/outage}
 * and {@code /sim/stats} so tests and demos can change and watch it at runtime. Everything runs on
 * the event loop: delays are Vert.x timers.
 */
public final class Simulator {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final long BODY_LIMIT_BYTES = 10L * 1024 * 1024;
  private static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final String INVALID_REQUEST = "invalid_request_error";

  private final AtomicReference<SimulatorConfig> config;
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final long created = System.currentTimeMillis() / 1000;

  public Simulator(SimulatorConfig config) {
    this.config = new AtomicReference<>(Objects.requireNonNull(config));
  }

  public SimulatorConfig config() {
    return config.get();
  }

  /** Replaces the config; requests already waiting out their latency keep the old one. */
  public void configure(SimulatorConfig replacement) {
    config.set(Objects.requireNonNull(replacement));
  }

  /** Takes every model down, or brings them back with {@link Outage#none}. */
  public void outage(Outage outage) {
    config.updateAndGet(current -> current.withOutage(outage));
  }

  /** Completion requests received. */
  public long requests() {
    return requests.sum();
  }

  /** Completion requests not answered with 200: refused, failed on purpose, hung up or hanging. */
  public long errors() {
    return errors.sum();
  }

  /** Adds the /v1 and /sim routes to {@code router}. */
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    router
        .post("/v1/chat/completions")
        .handler(body)
        .handler(ctx -> complete(ctx, Endpoint.CHAT_COMPLETIONS));
    router
        .post("/v1/completions")
        .handler(body)
        .handler(ctx -> complete(ctx, Endpoint.COMPLETIONS));
    router.get("/v1/models").handler(this::listModels);
    router.get("/sim/config").handler(ctx -> send(ctx, 200, config.get()));
    router.put("/sim/config").handler(body).handler(this::replaceConfig);
    router.post("/sim/outage").handler(this::switchOutage);
    router.get("/sim/stats").handler(this::sendStats);
  }

  private void complete(RoutingContext ctx, Endpoint endpoint) {
    requests.increment();
    SimulatorConfig current = config.get();
    if (current.outage() != Outage.none) {
      errors.increment();
      goDown(ctx, current.outage());
      return;
    }
    CompletionRequest request;
    try {
      request = CompletionRequest.parse(endpoint, JSON.readTree(body(ctx)));
    } catch (IOException e) {
      String message = "We could not parse the JSON body of your request.";
      fail(ctx, 400, error(message, INVALID_REQUEST, null, null));
      return;
    } catch (InvalidRequest e) {
      fail(ctx, 400, error(e.getMessage(), INVALID_REQUEST, e.param, null));
      return;
    }
    Optional<SimulatedModel> found = current.model(request.model());
    if (found.isEmpty()) {
      String message = "The model `" + request.model() + "` does not exist.";
      fail(ctx, 404, error(message, INVALID_REQUEST, "model", "model_not_found"));
      return;
    }
    SimulatedModel model = found.get();
    if (model.outage() != Outage.none) {
      errors.increment();
      goDown(ctx, model.outage());
      return;
    }
    respond(ctx, request, model);
  }

  /** Answers, or fails at the model's error rate, once its latency has passed. */
  private void respond(RoutingContext ctx, CompletionRequest request, SimulatedModel model) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean failing = model.errorRate() > 0 && random.nextDouble() < model.errorRate();
    long latencyMs = Latency.sampleMs(model, random.nextGaussian());
    Runnable respond =
        failing
            ? () -> fail(ctx, model.errorStatus(), injectedError(model))
            : () -> answer(ctx, request, model);
    if (latencyMs <= 0) {
      respond.run();
      return;
    }
    ctx.vertx()
        .setTimer(
            latencyMs,
            id -> {
              if (!ctx.response().closed()) {
                respond.run();
              }
            });
  }

  private void answer(RoutingContext ctx, CompletionRequest request, SimulatedModel model) {
    Completion completion = Completion.answer(request, model);
    HttpServerResponse response = ctx.response();
    if (!request.stream()) {
      response
          .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .end(Buffer.buffer(completion.body().toString()));
      return;
    }
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    new PacedStream(
            ctx.vertx(),
            response,
            completion.wordEvents(),
            completion.closingEvents(),
            model.tokensPerSecond())
        .writeDue();
  }

  /** Answers as a backend in this outage would; the /sim endpoints stay up to switch it off. */
  private static void goDown(RoutingContext ctx, Outage outage) {
    switch (outage) {
      case error ->
          send(ctx, 503, error("The backend is down (simulated).", "server_error", null, null));
      case reset -> ctx.response().reset();
      case hang, none -> {
        // hang: leave the request open until the client gives up; none never gets here.
      }
    }
  }

  private static ObjectNode injectedError(SimulatedModel model) {
    int status = model.errorStatus();
    String message = "Simulated error " + status + " from " + model.name() + ".";
    if (status == 429) {
      return error(message, "requests", null, "rate_limit_exceeded");
    }
    return error(message, status >= 500 ? "server_error" : INVALID_REQUEST, null, null);
  }

  private void listModels(RoutingContext ctx) {
    SimulatorConfig current = config.get();
    if (current.outage() != Outage.none) {
      goDown(ctx, current.outage());
      return;
    }
    ObjectNode list = JsonNodeFactory.instance.objectNode().put("object", "list");
    ArrayNode data = list.putArray("data");
    for (SimulatedModel model : current.models()) {
      data.addObject()
          .put("id", model.name())
          .put("object", "model")
          .put("created", created)
          .put("owned_by", "beast-mode-simulator");
    }
    send(ctx, 200, list);
  }

  private void replaceConfig(RoutingContext ctx) {
    SimulatorConfig replacement;
    try {
      replacement = JSON.readValue(body(ctx), SimulatorConfig.class);
    } catch (IOException e) {
      send(ctx, 400, error(e.getMessage(), INVALID_REQUEST, null, null));
      return;
    }
    if (replacement == null) {
      send(ctx, 400, error("The body must be a simulator config.", INVALID_REQUEST, null, null));
      return;
    }
    configure(replacement);
    send(ctx, 200, replacement);
  }

  private void switchOutage(RoutingContext ctx) {
    String mode = ctx.queryParams().get("mode");
    Optional<Outage> outage =
        Arrays.stream(Outage.values()).filter(o -> o.name().equals(mode)).findFirst();
    if (outage.isEmpty()) {
      String message = "mode must be one of " + Arrays.toString(Outage.values()) + ".";
      send(ctx, 400, error(message, INVALID_REQUEST, "mode", null));
      return;
    }
    outage(outage.get());
    send(ctx, 200, config.get());
  }

  private void sendStats(RoutingContext ctx) {
    send(
        ctx,
        200,
        JsonNodeFactory.instance
            .objectNode()
            .put("requests", requests.sum())
            .put("errors", errors.sum()));
  }

  private void fail(RoutingContext ctx, int status, JsonNode error) {
    errors.increment();
    send(ctx, status, error);
  }

  /** The OpenAI error body. */
  private static ObjectNode error(String message, String type, String param, String code) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("error")
        .put("message", message)
        .put("type", type)
        .put("param", param)
        .put("code", code);
    return body;
  }

  /** The request body; BodyHandler leaves none at all for an empty one. */
  private static byte[] body(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    return body == null ? new byte[0] : body.getBytes();
  }

  private static void send(RoutingContext ctx, int status, Object body) {
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .end(Buffer.buffer(json));
  }
}
