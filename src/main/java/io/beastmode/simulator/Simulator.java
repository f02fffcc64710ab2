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
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A fake model backend. It serves the models of its config on the API each names: OpenAI's ({@code
 * /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}), Anthropic's ({@code
 * /v1/messages}, {@code /v1/messages/count_tokens}) or Azure OpenAI's ({@code
 * /openai/deployments/{name}/chat/completions} and {@code /embeddings} with an api-version, {@code
 * /openai/v1/...}), and lists them on {@code /v1/models} in OpenAI's shape, or Anthropic's when the
 * request has an anthropic-version header. Each answers with the latency, token rate, scripted
 * behaviour, errors and outages the config asks for, refused or failed in its API's words. {@code
 * /sim/config}, {@code /sim/outage}, {@code /sim/stats} and {@code /sim/requests} let tests and
 * demos change and watch it at runtime. Everything runs on the event loop: delays are Vert.x
 * timers.
 */
public final class Simulator {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final long BODY_LIMIT_BYTES = 10L * 1024 * 1024;
  private static final CharSequence APPLICATION_JSON =
      HttpHeaders.createOptimized("application/json");
  private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
  private static final String INVALID_REQUEST = "invalid_request_error";
  private static final String UNPARSABLE = "We could not parse the JSON body of your request.";

  private final AtomicReference<SimulatorConfig> config;
  private final LongAdder requests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final RequestLog log = new RequestLog();
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

  /** Requests to the model APIs received: completions, messages, count_tokens, embeddings. */
  public long requests() {
    return requests.sum();
  }

  /** Those not answered with 200, or broken mid-stream: refused, failed, hung up or hanging. */
  public long errors() {
    return errors.sum();
  }

  /**
   * The last {@code count} requests to the model APIs, oldest first, as GET /sim/requests shows
   * them.
   */
  public List<ObjectNode> recordedRequests(int count) {
    return log.last(count);
  }

  /** Adds the model APIs' routes and the /sim routes to {@code router}. */
  public void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT_BYTES);
    router
        .post("/v1/chat/completions")
        .handler(body)
        .handler(ctx -> complete(ctx, ModelApi.openai, Endpoint.CHAT_COMPLETIONS, null));
    router
        .post("/v1/completions")
        .handler(body)
        .handler(ctx -> complete(ctx, ModelApi.openai, Endpoint.COMPLETIONS, null));
    router
        .post("/v1/messages")
        .handler(body)
        .handler(ctx -> complete(ctx, ModelApi.anthropic, Endpoint.MESSAGES, null));
    router.post("/v1/messages/count_tokens").handler(body).handler(this::countTokens);
    router
        .post("/v1/responses")
        .handler(body)
        .handler(ctx -> complete(ctx, ModelApi.responses, Endpoint.RESPONSES, null));
    router.post("/v1/embeddings").handler(body).handler(ctx -> embed(ctx, ModelApi.openai, null));
    router
        .post("/openai/deployments/:deployment/chat/completions")
        .handler(body)
        .handler(
            ctx ->
                complete(
                    ctx, ModelApi.azure, Endpoint.CHAT_COMPLETIONS, ctx.pathParam("deployment")));
    router
        .post("/openai/deployments/:deployment/embeddings")
        .handler(body)
        .handler(ctx -> embed(ctx, ModelApi.azure, ctx.pathParam("deployment")));
    router
        .post("/openai/v1/chat/completions")
        .handler(body)
        .handler(ctx -> complete(ctx, ModelApi.azure, Endpoint.CHAT_COMPLETIONS, null));
    router
        .post("/openai/v1/embeddings")
        .handler(body)
        .handler(ctx -> embed(ctx, ModelApi.azure, null));
    router.get("/v1/models").handler(this::listModels);
    router.get("/sim/config").handler(ctx -> send(ctx, 200, config.get()));
    router.put("/sim/config").handler(body).handler(this::replaceConfig);
    router.post("/sim/outage").handler(this::switchOutage);
    router.get("/sim/stats").handler(this::sendStats);
    router.get("/sim/requests").handler(this::sendRequests);
    router
        .delete("/sim/requests")
        .handler(
            ctx -> {
              log.clear();
              ctx.response().setStatusCode(204).end();
            });
  }

  /**
   * A completion on {@code api}; {@code deployment} is the model when the path names it (Azure's
   * deployment path), else the body's model is.
   */
  private void complete(RoutingContext ctx, ModelApi api, Endpoint endpoint, String deployment) {
    Optional<Admitted<CompletionRequest>> admitted =
        admit(
            ctx,
            api,
            deployment,
            body -> {
              CompletionRequest request =
                  deployment == null
                      ? CompletionRequest.parse(endpoint, body)
                      : CompletionRequest.parse(endpoint, deployment, body);
              return new Parsed<>(request, request.model());
            });
    if (admitted.isEmpty()) {
      return;
    }
    SimulatedModel model = admitted.get().model();
    if (model.embedding()) {
      String message = "This is not a chat model and thus not supported in this endpoint.";
      fail(ctx, api, new Refusal(404, message, null, null));
      return;
    }
    CompletionRequest request = admitted.get().request();
    respond(ctx, api, model, () -> answer(ctx, api, request, model));
  }

  private void embed(RoutingContext ctx, ModelApi api, String deployment) {
    Optional<Admitted<JsonNode>> admitted =
        admit(
            ctx,
            api,
            deployment,
            body -> {
              String model = deployment != null ? deployment : body.path("model").asText(null);
              if (model == null) {
                throw new InvalidRequest("You must provide a model parameter.", "model");
              }
              return new Parsed<>(body, model);
            });
    if (admitted.isEmpty()) {
      return;
    }
    SimulatedModel model = admitted.get().model();
    if (!model.embedding()) {
      String message = "The model `" + model.name() + "` does not support embeddings.";
      fail(ctx, api, Refusal.invalid(message, "model"));
      return;
    }
    ObjectNode answer;
    try {
      answer =
          Embeddings.answer(model.name(), model.embeddingDimensions(), admitted.get().request());
    } catch (InvalidRequest e) {
      fail(ctx, api, Refusal.invalid(e.getMessage(), e.param));
      return;
    }
    respond(ctx, api, model, () -> send(ctx, 200, answer));
  }

  /** A request read from a body, and the model it names. */
  private record Parsed<T>(T request, String model) {}

  /** A request that got past the checks, and its model. */
  private record Admitted<T>(T request, SimulatedModel model) {}

  /**
   * Records and counts the request, then checks it as the API would, in order: outages, the API's
   * version, the body, the model, the key, the model's own outage. Empty when it was answered.
   */
  private <T> Optional<Admitted<T>> admit(
      RoutingContext ctx, ModelApi api, String deployment, Function<JsonNode, Parsed<T>> parser) {
    log.record(ctx);
    requests.increment();
    if (api == ModelApi.anthropic) {
      ctx.response()
          .putHeader(
              "request-id", "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
    }
    SimulatorConfig current = config.get();
    if (current.outage() != Outage.none) {
      errors.increment();
      goDown(ctx, api, current.outage());
      return Optional.empty();
    }
    Optional<Refusal> version =
        Refusal.version(
            api, ctx.request().headers(), deployment != null, ctx.queryParams().get("api-version"));
    if (version.isPresent()) {
      fail(ctx, api, version.get());
      return Optional.empty();
    }
    Parsed<T> parsed;
    try {
      parsed = parser.apply(JSON.readTree(body(ctx)));
    } catch (IOException e) {
      fail(ctx, api, Refusal.invalid(UNPARSABLE, null));
      return Optional.empty();
    } catch (InvalidRequest e) {
      fail(ctx, api, Refusal.invalid(e.getMessage(), e.param));
      return Optional.empty();
    }
    Optional<SimulatedModel> found =
        current.model(parsed.model()).filter(model -> model.serves(api));
    if (found.isEmpty()) {
      fail(ctx, api, Refusal.modelNotFound(api, parsed.model()));
      return Optional.empty();
    }
    SimulatedModel model = found.get();
    Optional<Refusal> refused =
        Refusal.key(api, model, ctx.request().headers())
            .or(() -> Refusal.betas(api, model, ctx.request().headers()));
    if (refused.isPresent()) {
      fail(ctx, api, refused.get());
      return Optional.empty();
    }
    if (model.outage() != Outage.none) {
      errors.increment();
      goDown(ctx, api, model.outage());
      return Optional.empty();
    }
    return Optional.of(new Admitted<>(parsed.request(), model));
  }

  /** Answers, or fails at the model's error rate, once its latency has passed. */
  private void respond(RoutingContext ctx, ModelApi api, SimulatedModel model, Runnable answer) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean failing = model.errorRate() > 0 && random.nextDouble() < model.errorRate();
    long latencyMs = Latency.sampleMs(model, random.nextGaussian());
    Runnable respond = failing ? () -> fail(ctx, api, Refusal.injected(api, model)) : answer;
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

  private void answer(
      RoutingContext ctx, ModelApi api, CompletionRequest request, SimulatedModel model) {
    StreamedReply reply =
        switch (api) {
          case anthropic -> AnthropicMessage.answer(request, model);
          case responses -> ResponsesReply.answer(request, model);
          case openai, azure -> Completion.answer(request, model, api == ModelApi.azure);
        };
    HttpServerResponse response = ctx.response();
    if (!request.stream()) {
      response
          .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
          .end(Buffer.buffer(reply.body().toString()));
      return;
    }
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, EVENT_STREAM)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    List<Buffer> events = reply.contentEvents();
    Consumer<HttpServerResponse> finish = r -> r.end(reply.closingEvents());
    if (model.failAfterEvents() > 0) {
      events = events.subList(0, Math.min(events.size(), model.failAfterEvents()));
      Buffer breaking = reply.breakingEvent();
      finish =
          r -> {
            errors.increment();
            if (breaking == null) {
              r.reset();
            } else {
              r.end(breaking);
            }
          };
    }
    new PacedStream(ctx.vertx(), response, events, finish, model.tokensPerSecond()).writeDue();
  }

  /** Answers as a backend in this outage would; the /sim endpoints stay up to switch it off. */
  private static void goDown(RoutingContext ctx, ModelApi api, Outage outage) {
    switch (outage) {
      case error ->
          send(
              ctx, 503, new Refusal(503, "The backend is down (simulated).", null, null).body(api));
      case reset -> ctx.response().reset();
      case hang, none -> {
        // hang: leave the request open until the client gives up; none never gets here.
      }
    }
  }

  /** Anthropic's count_tokens: the input tokens a message with this body would count. */
  private void countTokens(RoutingContext ctx) {
    Optional<Admitted<CompletionRequest>> admitted =
        admit(
            ctx,
            ModelApi.anthropic,
            null,
            body -> {
              CompletionRequest request = AnthropicRequest.parseForCounting(body);
              return new Parsed<>(request, request.model());
            });
    admitted.ifPresent(
        counted ->
            send(
                ctx,
                200,
                JsonNodeFactory.instance
                    .objectNode()
                    .put("input_tokens", counted.request().promptTokens())));
  }

  /** OpenAI's list, or Anthropic's (its models only) when the request has anthropic-version. */
  private void listModels(RoutingContext ctx) {
    SimulatorConfig current = config.get();
    boolean anthropic = ctx.request().getHeader("anthropic-version") != null;
    ModelApi api = anthropic ? ModelApi.anthropic : ModelApi.openai;
    if (current.outage() != Outage.none) {
      goDown(ctx, api, current.outage());
      return;
    }
    // OpenAI's list names the models of its chat and Responses APIs alike.
    List<SimulatedModel> models =
        current.models().stream()
            .filter(
                model ->
                    anthropic
                        ? model.serves(ModelApi.anthropic)
                        : model.serves(ModelApi.openai) || model.serves(ModelApi.responses))
            .toList();
    ObjectNode list = JsonNodeFactory.instance.objectNode();
    if (anthropic) {
      ArrayNode data = list.putArray("data");
      String createdAt = Instant.ofEpochSecond(created).toString();
      for (SimulatedModel model : models) {
        data.addObject()
            .put("type", "model")
            .put("id", model.name())
            .put("display_name", model.name())
            .put("created_at", createdAt);
      }
      list.put("has_more", false);
      list.put("first_id", models.isEmpty() ? null : models.get(0).name());
      list.put("last_id", models.isEmpty() ? null : models.get(models.size() - 1).name());
      send(ctx, 200, list);
      return;
    }
    list.put("object", "list");
    ArrayNode data = list.putArray("data");
    for (SimulatedModel model : models) {
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
      send(ctx, 400, Refusal.openAi(e.getMessage(), INVALID_REQUEST, null, null));
      return;
    }
    if (replacement == null) {
      send(
          ctx,
          400,
          Refusal.openAi("The body must be a simulator config.", INVALID_REQUEST, null, null));
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
      send(ctx, 400, Refusal.openAi(message, INVALID_REQUEST, "mode", null));
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

  /** {@code {"requests": [...]}}, oldest first: all that are kept, or the last {@code ?last=N}. */
  private void sendRequests(RoutingContext ctx) {
    int last = RequestLog.KEPT;
    String asked = ctx.queryParams().get("last");
    if (asked != null) {
      try {
        last = Integer.parseInt(asked);
      } catch (NumberFormatException e) {
        send(ctx, 400, Refusal.openAi("last must be a number.", INVALID_REQUEST, "last", null));
        return;
      }
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putArray("requests").addAll(log.last(Math.max(0, last)));
    send(ctx, 200, body);
  }

  private void fail(RoutingContext ctx, ModelApi api, Refusal refusal) {
    errors.increment();
    if (refusal.status() == 429 && (api == ModelApi.anthropic || api == ModelApi.azure)) {
      ctx.response().putHeader("retry-after", "1");
    }
    send(ctx, refusal.status(), refusal.body(api));
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
