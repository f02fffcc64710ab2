package io.beastmode.router;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.router.access.Admission;
import io.beastmode.router.access.KeyRing;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.cache.semantic.SemanticCache;
import io.beastmode.router.learning.LearnedSelection;
import io.beastmode.router.select.learned.EncoderPool;
import io.beastmode.router.select.learned.LabelledPrompts;
import io.beastmode.router.select.policy.CandidatePolicy;
import io.beastmode.router.select.policy.OffPolicyEstimator;
import io.beastmode.router.select.policy.PolicyRouting;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Redis;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The learned policy's routes: {@code POST /v1/feedback} on the API (a client rates an answer by
 * its {@code x-beastmode-request-id}; for an answer the semantic cache served, the rating labels
 * the entry that gave it) and {@code POST /selection/examples} on the management port (labelled
 * prompts in the RouteLLM CSV format, columns named after this router's models). Starts the learned
 * selection when a routing config first asks for the learned policy.
 */
final class LearningRoutes {
  /** Labelled prompt files larger than this are refused (about 20,000 MMLU questions). */
  static final int MAX_EXAMPLES_BYTES = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final Redis redis;
  private final Supplier<RoutingTable> tables;
  private final Supplier<KeyRing> keys;
  private final Clock clock;
  private final String region;
  private final Duration pollInterval;
  private final Duration refitInterval;
  private volatile LearnedSelection learning;
  private final Supplier<SemanticCache> semantic;
  private final RouterMetrics metrics;
  private final Supplier<EncoderPool> encoders;

  LearningRoutes(
      Vertx vertx,
      Redis redis,
      Supplier<RoutingTable> tables,
      Supplier<KeyRing> keys,
      Clock clock,
      String region,
      Duration pollInterval,
      Duration refitInterval,
      Supplier<SemanticCache> semantic,
      RouterMetrics metrics,
      Supplier<EncoderPool> encoders) {
    this.vertx = vertx;
    this.redis = redis;
    this.tables = tables;
    this.keys = keys;
    this.clock = clock;
    this.region = region;
    this.pollInterval = pollInterval;
    this.refitInterval = refitInterval;
    this.semantic = semantic;
    this.metrics = metrics;
    this.encoders = encoders;
  }

  /** The learned selection when some config asked for it; null before. */
  LearnedSelection current() {
    return learning;
  }

  /**
   * Starts the learned selection the first time a config asks for the learned policy; every config
   * sets its candidate policies and exploration share.
   */
  synchronized void apply(RoutingTable table) {
    if (learning == null && table.selection().policy == SelectionPolicy.learned) {
      learning =
          new LearnedSelection(
              vertx,
              redis,
              table.routerName(),
              refitInterval,
              encoders.get(),
              metrics::selectionOutcome);
      learning.start(pollInterval.toMillis());
    }
    if (learning != null) {
      SelectionSpec spec = table.config().selection();
      learning.configure(
          spec.candidatePolicies.stream().map(c -> CandidatePolicy.valueOf(c.name())).toList(),
          spec.explorationShare);
    }
  }

  /**
   * {@code GET /selection/policy} on the management port: the candidate policy in force, each
   * candidate's estimated PGR, mean outcome and strong share with 95 % bounds, and the exploration
   * spent.
   */
  void policy(RoutingContext ctx) {
    LearnedSelection learned = learning;
    if (learned == null) {
      ctx.response()
          .setStatusCode(404)
          .putHeader("content-type", "application/json")
          .end(message("error", "this router does not use the learned selection policy"));
      return;
    }
    PolicyRouting.Status status = learned.policyStatus();
    ObjectNode body = CompletionRequest.json().createObjectNode();
    body.put("inForce", status.inForce().name());
    body.put("explorationShare", status.explorationShare());
    body.put("decisions", status.decisions());
    body.put("explored", status.explored());
    body.put("exploredOffPolicy", status.exploredOffPolicy());
    body.put("outcomes", status.outcomes());
    ObjectNode candidates = body.putObject("candidates");
    status
        .estimates()
        .forEach(
            (policy, estimate) -> {
              ObjectNode row = candidates.putObject(policy.name());
              interval(row.putObject("pgr"), estimate.pgr());
              interval(row.putObject("accuracy"), estimate.accuracy());
              interval(row.putObject("strongShare"), estimate.strongShare());
            });
    ctx.response().putHeader("content-type", "application/json").end(body.toString());
  }

  /** An estimate and its 95 % bounds; null where the outcomes do not tell yet. */
  private static void interval(ObjectNode into, OffPolicyEstimator.Interval interval) {
    number(into, "estimate", interval.estimate());
    number(into, "low", interval.low());
    number(into, "high", interval.high());
  }

  private static void number(ObjectNode into, String field, double value) {
    if (Double.isNaN(value)) {
      into.putNull(field);
    } else {
      into.put(field, Math.round(value * 10_000) / 10_000.0);
    }
  }

  void stop() {
    if (learning != null) {
      learning.stop();
    }
  }

  void mountApi(Router router) {
    router
        .post("/v1/feedback")
        .handler(BodyHandler.create().setBodyLimit(4096))
        .handler(this::feedback);
  }

  /** {@code {"id": "<x-beastmode-request-id>", "score": 0..1}} or {@code "rating": "up"|"down"}. */
  private void feedback(RoutingContext ctx) {
    Admission admission =
        keys.get().admit(PresentedKey.from(ctx.request()::getHeader), clock.instant());
    if (admission.refused()) {
      Replies.sendError(ctx.response(), admission.error(), region);
      return;
    }
    LearnedSelection learned = learning;
    String id;
    double outcome;
    try {
      JsonNode body = CompletionRequest.json().readTree(ctx.body().buffer().getBytes());
      id = body.path("id").asText("");
      if (id.isBlank()) {
        throw ApiError.invalid("id", "'id' is required: the answer's x-beastmode-request-id");
      }
      outcome = outcomeOf(body);
    } catch (ApiError error) {
      Replies.sendError(ctx.response(), error, region);
      return;
    } catch (IOException | RuntimeException e) {
      Replies.sendError(
          ctx.response(),
          ApiError.invalid(null, "the feedback body must be a JSON object"),
          region);
      return;
    }
    SemanticCache cache = semantic.get();
    if (cache == null) {
      learnedFeedback(ctx, learned, id, outcome);
      return;
    }
    // An answer the semantic cache served: the rating labels the entry that gave it.
    cache
        .store()
        .servedBy(id)
        .onComplete(
            served -> {
              if (served.succeeded() && served.result() != null) {
                boolean right = outcome >= 0.5;
                cache.label(served.result().entryId(), served.result().similarity(), right);
                metrics.semanticLabel("feedback", right);
                recorded(ctx, id, "cache", "semantic", outcome);
              } else {
                learnedFeedback(ctx, learned, id, outcome);
              }
            });
  }

  private void learnedFeedback(
      RoutingContext ctx, LearnedSelection learned, String id, double outcome) {
    if (learned == null) {
      Replies.sendError(
          ctx.response(),
          semantic.get() == null
              ? ApiError.invalid(null, "this router does not use the learned selection policy")
              : ApiError.unknownDecision(id),
          region);
      return;
    }
    learned
        .feedback(id, outcome)
        .onComplete(
            result -> {
              if (result.failed()) {
                Replies.sendError(
                    ctx.response(),
                    ApiError.noneHealthy("feedback not recorded: Redis is unavailable"),
                    region);
              } else if (result.result() == null) {
                Replies.sendError(ctx.response(), ApiError.unknownDecision(id), region);
              } else {
                recorded(ctx, id, "model", result.result(), outcome);
              }
            });
  }

  /** The answer to feedback taken: its id, what it labelled ({@code field}) and the outcome. */
  private static void recorded(
      RoutingContext ctx, String id, String field, String value, double outcome) {
    ctx.response()
        .putHeader("content-type", "application/json")
        .end(
            CompletionRequest.json()
                .createObjectNode()
                .put("id", id)
                .put(field, value)
                .put("outcome", outcome)
                .toString());
  }

  private static double outcomeOf(JsonNode body) {
    JsonNode score = body.get("score");
    JsonNode rating = body.get("rating");
    if (score != null && score.isNumber()) {
      double value = score.doubleValue();
      if (value < 0 || value > 1) {
        throw ApiError.invalid("score", "'score' must be between 0 (bad) and 1 (good)");
      }
      return value;
    }
    if (rating != null && rating.isTextual()) {
      return switch (rating.textValue().toLowerCase(Locale.ROOT)) {
        case "up" -> 1;
        case "down" -> 0;
        default -> throw ApiError.invalid("rating", "'rating' must be 'up' or 'down'");
      };
    }
    throw ApiError.invalid("score", "give 'score' (0 to 1) or 'rating' ('up' or 'down')");
  }

  /** A RouteLLM CSV whose model columns are all models of this router. */
  void examples(RoutingContext ctx) {
    RoutingTable table = tables.get();
    LearnedSelection learned = learning;
    LabelledPrompts data;
    try {
      if (learned == null) {
        throw new IllegalArgumentException(
            "this router does not use the learned selection policy (spec.selection.policy)");
      }
      data = LabelledPrompts.parse("the uploaded CSV", ctx.body().asString("UTF-8"));
      List<String> unknown = new ArrayList<>();
      for (String model : data.models()) {
        if (!table.models().containsKey(model)) {
          unknown.add(model);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "the uploaded CSV names models this router does not have: "
                + unknown
                + "; its models are "
                + table.models().keySet()
                + " (rename the columns to the pool's model names)");
      }
    } catch (IllegalArgumentException e) {
      ctx.response()
          .setStatusCode(400)
          .putHeader("content-type", "application/json")
          .end(message("error", e.getMessage()));
      return;
    }
    learned
        .load(data)
        .onComplete(
            result -> {
              if (result.failed()) {
                ctx.response()
                    .setStatusCode(503)
                    .putHeader("content-type", "application/json")
                    .end(message("error", "examples not stored: " + result.cause().getMessage()));
              } else {
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(
                        Buffer.buffer(
                            CompletionRequest.json()
                                .createObjectNode()
                                .put("added", result.result())
                                .put("models", String.join(",", data.models()))
                                .toString()));
              }
            });
  }

  private static String message(String field, String text) {
    return CompletionRequest.json().createObjectNode().put(field, text).toString();
  }
}
