package io.beastmode.router;

import static io.beastmode.router.Replies.HEADER_CACHE;
import static io.beastmode.router.Replies.HEADER_COST;
import static io.beastmode.router.Replies.HEADER_DEBUG;
import static io.beastmode.router.Replies.HEADER_DECISION;
import static io.beastmode.router.Replies.HEADER_DOMAIN;
import static io.beastmode.router.Replies.HEADER_MODEL;
import static io.beastmode.router.Replies.HEADER_REGION;
import static io.beastmode.router.Replies.HEADER_REQUEST_ID;
import static io.beastmode.router.Replies.putIfPresent;
import static io.beastmode.router.Replies.sendError;
import static io.beastmode.router.Replies.usd;

import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.FallbackTrigger;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.router.access.Admission;
import io.beastmode.router.access.KeyUseTracker;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.api.PromptText;
import io.beastmode.router.cache.CachedAnswer;
import io.beastmode.router.cache.ResponseCache;
import io.beastmode.router.cache.semantic.SemanticCache;
import io.beastmode.router.dialect.AnthropicUpstream;
import io.beastmode.router.dialect.CanonicalAnswer;
import io.beastmode.router.dialect.CanonicalRequest;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.InboundDialect;
import io.beastmode.router.dialect.Json;
import io.beastmode.router.dialect.OpenAiUpstream;
import io.beastmode.router.dialect.TokenUsage;
import io.beastmode.router.learning.LearnedSelection;
import io.beastmode.router.select.ModelSelector;
import io.beastmode.router.select.RequestNeeds;
import io.beastmode.router.select.Selection;
import io.beastmode.router.select.policy.PolicyRouting;
import io.beastmode.router.select.policy.PromptFeatures;
import io.beastmode.router.select.policy.TwoTier;
import io.beastmode.router.upstream.Backend;
import io.beastmode.router.upstream.Backends;
import io.beastmode.router.upstream.UpstreamClient;
import io.beastmode.router.upstream.UpstreamClient.UpstreamCall;
import io.beastmode.router.upstream.UpstreamFailure;
import io.beastmode.router.upstream.UpstreamReply;
import io.beastmode.router.upstream.Usage;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.TrafficConfig;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One request through the router: parse, cache lookup, selection (for a key with limits or a
 * budget: selection, then its reservation and the cache lookup in one Redis round trip), the
 * attempts along the chosen model and its fallbacks, then peer regions, and the answer with
 * accounting. Runs on the request's event loop; guard callbacks that complete elsewhere are brought
 * back to it.
 */
final class Exchange {
  private static final Logger LOG = Logger.getLogger(Exchange.class);
  private static final OpenAiUpstream OPENAI = new OpenAiUpstream();

  /** Anthropic's status for an overloaded model. */
  private static final int OVERLOADED = 529;

  private static final AnthropicUpstream ANTHROPIC =
      new AnthropicUpstream(AnthropicUpstream.DEFAULT_MAX_TOKENS);

  /** The router-wide parts every exchange uses. */
  record Services(
      Backends backends,
      UpstreamClient client,
      ResponseCache cache,
      QuotaLedger quotas,
      KeyUseTracker keyUse,
      RouterMetrics metrics,
      String region,
      java.time.Clock clock,
      java.util.function.Supplier<LearnedSelection> learning,
      java.util.function.Supplier<SemanticCache> semantic) {}

  private final RoutingContext ctx;
  private final Context context;
  private final Endpoint endpoint;
  private final RoutingTable table;

  /** Who is calling, as the access rules in service when the request arrived decided. */
  private final Admission admission;

  private final Services services;
  private final long startNanos;

  /** The caller's dialect: how its request reads and how answers and errors are written for it. */
  private final InboundDialect inbound;

  /**
   * The request as the selection, the cache decision and the learned policy read it: as the caller
   * sent it for chat and completions, else written as the equivalent chat request.
   */
  private CompletionRequest request;

  /**
   * The request in the canonical model, for translation and the cache key: read at the start from
   * Messages and Responses, and from chat and completions when first needed ({@link #canonical()}).
   * Null for a chat or completions request it cannot express (parts of a kind it does not know),
   * which still passes through to the models that speak its dialect.
   */
  private CanonicalRequest canonical;

  /**
   * A chat or completions request not yet read into {@link #canonical}: one that passes through to
   * a model of its own dialect with the cache off never is.
   */
  private boolean canonicalPending;

  /** Why {@link #canonical} could not be read; given to the caller if a translation needs it. */
  private ApiError untranslatable;

  /** How the current attempt reaches its model; null for a peer region. */
  private UpstreamPlan plan;

  /** Why a model was passed over because the request could not be written for it. */
  private ApiError unsupported;

  /**
   * The body as the client sent it, forwarded as it is when the upstream model is the one asked
   * for.
   */
  private Buffer received;

  /** This request's key, lookup and store in the answer cache. */
  private final RequestCache cache;

  private String cacheResult = "bypass";
  private Selection selection;

  /** The learned policy's view of this prompt; null under other policies or without it. */
  private LearnedSelection.Prediction prediction;

  private LearnedSelection learning;

  /** Under the learned policy, the candidate policies' decision between cheap and strong. */
  private PolicyRouting.Decision policyDecision;

  /**
   * A learned decision being streamed, kept until the stream ends: if the client closes first, its
   * answer was cut off. Null otherwise.
   */
  private Future<Void> streamedDecision;

  private String streamedDecisionId;

  private int attemptsUsed;
  private UpstreamCall currentCall;
  private String servedBy = "none";
  private boolean finished;
  private UpstreamFailure lastFailure;

  /** The caller's hold on its key's limits and budget; null without either. */
  private final RequestQuota quota;

  private final CostAccounting costs;

  /** What a keyed request waits for before it goes on: its reservation and its cache lookup. */
  private int awaited;

  /** The reservation's outcome; null when Redis could not check. */
  private QuotaLedger.Outcome quotaOutcome;

  /** The cache lookup sent beside the reservation; null when the cache is not used. */
  private AsyncResult<CachedAnswer> lookup;

  /** The event loop the request runs on. */
  private final Thread loop;

  Exchange(
      RoutingContext ctx,
      Endpoint endpoint,
      RoutingTable table,
      Admission admission,
      Services services,
      long startNanos) {
    this.ctx = ctx;
    this.context = Vertx.currentContext();
    this.loop = Thread.currentThread();
    this.endpoint = endpoint;
    this.table = table;
    this.admission = admission;
    this.quota = RequestQuota.of(admission.caller(), services.quotas(), services.metrics());
    this.costs = new CostAccounting(services.metrics(), quota);
    this.cache = new RequestCache(services, table, admission);
    this.services = services;
    this.startNanos = startNanos;
    // Embeddings have no canonical form; their errors take OpenAI's shape, as chat's do.
    this.inbound =
        InboundDialect.of(
            endpoint == Endpoint.embeddings ? Dialect.chat : Dialect.valueOf(endpoint.name()));
    ctx.response().closeHandler(closed -> clientGone());
  }

  void start(Buffer body) {
    received = body;
    try {
      read(body.getBytes());
      if (!admission.allows(request.model())) {
        throw ApiError.modelNotAllowed(request.model());
      }
      if (!table.isAlias(request.model()) && !table.models().containsKey(request.model())) {
        throw ApiError.unknownModel(request.model());
      }
    } catch (ApiError error) {
      fail(error, false);
      return;
    }
    if (quota == null) {
      lookUpCache();
    } else {
      admitAndLookUp();
    }
  }

  /**
   * Reads the body in the caller's dialect. Chat and completions are checked as OpenAI checks them,
   * to be read into the canonical model when that is needed; the other dialects are read by their
   * adapters and written as the equivalent chat request for what reads OpenAI's shape.
   */
  private void read(byte[] bytes) {
    String domain = ctx.request().getHeader(HEADER_DOMAIN);
    if (endpoint == Endpoint.embeddings) {
      request = CompletionRequest.parse(endpoint, bytes, domain);
      if (table.isAlias(request.model())) {
        throw ApiError.invalid(
            "model",
            "embeddings are asked of a model by name, not an alias: vectors from different models"
                + " cannot be compared");
      }
      return;
    }
    if (endpoint == Endpoint.chat || endpoint == Endpoint.completions) {
      request = CompletionRequest.parse(endpoint, bytes, domain);
      canonicalPending = true;
      return;
    }
    canonical = inbound.parse(CompletionRequest.readObject(bytes));
    request =
        CompletionRequest.of(Endpoint.chat, OPENAI.request(canonical, canonical.model()), domain);
  }

  /** The request in the canonical model, read now if it was not yet; null when it cannot be. */
  private CanonicalRequest canonical() {
    if (canonicalPending) {
      canonicalPending = false;
      try {
        canonical = inbound.parse(request.body());
      } catch (ApiError e) {
        untranslatable = e;
      }
    }
    return canonical;
  }

  /** Without limits or a budget: the cache first, the selection only on a miss. */
  private void lookUpCache() {
    if (cache.key(request, this::canonical, ctx.request()) == null) {
      route();
      return;
    }
    cache
        .lookUp()
        .onComplete(
            result -> {
              if (finished) {
                return;
              }
              if (result.failed()) {
                cache.drop();
                route();
              } else if (result.result() == null) {
                cacheResult = "miss";
                semanticThen(this::route);
              } else {
                cacheResult = "hit";
                if (!answerFromCache(result.result())) {
                  cacheResult = "miss";
                  semanticThen(this::route);
                }
              }
            });
  }

  /**
   * After an exact miss: the semantic cache's answer when it has one it may serve, else {@code
   * onMiss}. The lookup never fails; a cache that cannot answer in time is a miss.
   */
  private void semanticThen(Runnable onMiss) {
    SemanticStep semantic = cache.semantic(this::canonical);
    if (semantic == null) {
      onMiss.run();
      return;
    }
    semantic
        .lookUp()
        .onComplete(
            found ->
                onLoop(
                    () ->
                        continueWith(
                            (answer, error) -> {
                              if (answer == null || !answerFromCache(answer)) {
                                onMiss.run();
                              }
                            },
                            found.result(),
                            null)));
  }

  private void route() {
    predictThen(
        () -> {
          if (select()) {
            tryModel(0);
          }
        });
  }

  /**
   * Under the learned policy, for an alias: predicts each model's chance for this prompt on the
   * encoder's worker pool, then goes on with {@code next} on this event loop.
   */
  private void predictThen(Runnable next) {
    LearnedSelection learned = services.learning().get();
    if (learned == null
        || table.selection().policy != SelectionPolicy.learned
        || !table.isAlias(request.model())) {
      next.run();
      return;
    }
    learning = learned;
    String prompt = PromptText.of(request);
    RequestNeeds needs = request.needs();
    String tenant = admission.tenant(ctx.request().getHeader(table.config().cache().tenantHeader));
    onContext(
        learned.predict(
            prompt,
            PromptFeatures.of(
                prompt, PromptText.userTurns(request), needs.tools(), needs.maxTokens()),
            tenant,
            learned.retryKey(tenant, prompt)),
        (predicted, error) -> {
          prediction = predicted;
          next.run();
        });
  }

  /**
   * A request under its key's limits or budget. The selection comes first (pure, in process): the
   * reservation is priced on the first model chosen. The reservation and the cache lookup are then
   * sent one after the other on this event loop's Redis connection, pipelined, so both answers come
   * back in one round trip, and the request goes on once it has both: refused, a 429 whatever the
   * cache held; admitted, the cached answer (settled at no cost: the request counts against
   * requests per minute, its tokens and cost do not) or the first model, with no other wait.
   */
  private void admitAndLookUp() {
    predictThen(this::admitSelectedAndLookUp);
  }

  private void admitSelectedAndLookUp() {
    if (!select()) {
      return;
    }
    ModelRoute first = selection.attempts().isEmpty() ? null : selection.attempts().get(0);
    String key = cache.key(request, this::canonical, ctx.request());
    awaited = key == null ? 1 : 2;
    quota.reserve(
        first,
        request.needs(),
        outcome -> {
          quotaOutcome = outcome;
          arrived();
        });
    if (key != null) {
      cache
          .lookUp()
          .onComplete(
              result -> {
                lookup = result;
                arrived();
              });
    }
  }

  /**
   * One of the answers {@link #admitAndLookUp} waits for came in. Both come on this event loop's
   * thread: the Redis connection is the loop's own, and a kept answer completes at once.
   */
  private void arrived() {
    if (--awaited == 0) {
      onLoop(() -> continueWith((ignored, error) -> admittedAndLookedUp(), null, null));
    }
  }

  private void admittedAndLookedUp() {
    if (lookup != null) {
      if (lookup.failed()) {
        cache.drop();
      } else {
        cacheResult = lookup.result() == null ? "miss" : "hit";
      }
    }
    QuotaLedger.Outcome outcome = quotaOutcome;
    // Null: Redis could not check, and the request is admitted.
    if (outcome != null) {
      outcome.headers().values().forEach(ctx.response()::putHeader);
      if (outcome.refusal() != null) {
        fail(outcome.refusal(), false);
        return;
      }
    }
    if (lookup == null
        || lookup.failed()
        || lookup.result() == null
        || !answerFromCache(lookup.result())) {
      if ("hit".equals(cacheResult)) {
        cacheResult = "miss";
      }
      semanticThen(() -> tryModel(0));
    }
  }

  /**
   * Chooses the models to try; false, with the request answered, when no model of this router can
   * serve it.
   */
  private boolean select() {
    FallbackSpec fallback = table.config().fallback();
    selection =
        ModelSelector.select(
            request.model(),
            table.modelList(),
            table.selection(),
            // An embedding model's vectors only compare with its own: no other model may answer.
            endpoint == Endpoint.embeddings ? List.of() : fallback.chain,
            request.needs(),
            services.backends(),
            prediction == null ? Map.of() : prediction.chances());
    if (prediction != null) {
      followPolicyInForce();
    }
    if (LOG.isDebugEnabled()) {
      LOG.debugf("model %s: %s", request.model(), selection.explain());
    }
    if (selection.attempts().isEmpty() && !selection.blockedByOpenCircuits()) {
      fail(
          ApiError.invalid(
              "model", "no model of this router can serve the request: " + selection.explain()),
          false);
      return false;
    }
    return true;
  }

  /**
   * Puts first the model (cheap or strong) that the candidate policy in force chooses, or that
   * exploration draws; the learned threshold rule's choice is one candidate's action.
   */
  private void followPolicyInForce() {
    TwoTier.of(selection.attempts(), request.needs())
        .ifPresent(
            pair -> {
              boolean learnedStrong = !selection.attempts().get(0).equals(pair.weak());
              policyDecision =
                  learning
                      .policies()
                      .decide(
                          prediction.features(),
                          pair.weakChance(prediction.chances()),
                          pair.strongChance(prediction.chances()),
                          learnedStrong,
                          prediction.group());
              ModelRoute first = policyDecision.strong() ? pair.strong() : pair.weak();
              selection =
                  selection.leading(
                      first,
                      (policyDecision.explored() ? "explored" : policyDecision.inForce().name())
                          + (policyDecision.strong() ? " strong" : " cheap"));
            });
  }

  private void tryModel(int index) {
    List<ModelRoute> attempts = selection.attempts();
    if (index >= attempts.size() || attemptsUsed >= table.config().fallback().maxAttempts) {
      tryPeer(0);
      return;
    }
    ModelRoute model = attempts.get(index);
    Backend backend = services.backends().model(model.name());
    UpstreamPlan modelPlan;
    try {
      modelPlan =
          UpstreamPlan.of(
              endpoint,
              model,
              model.upstreamModel(),
              received,
              request.model(),
              this::translatable,
              request.stream(),
              ctx.request()::getHeader);
    } catch (ApiError e) {
      // This model's API cannot express the request (a Messages-only feature for an OpenAI
      // model, several choices for Anthropic, ...): the next model may.
      unsupported = e;
      String next = index + 1 < attempts.size() ? attempts.get(index + 1).name() : "peer";
      services.metrics().fallback(model.name(), next, "unsupported");
      tryModel(index + 1);
      return;
    }
    onContext(
        backend.call(() -> timedOnLoop(backend, () -> attempt(backend, modelPlan, true))),
        (reply, error) -> {
          if (error == null) {
            deliver(reply, model);
            return;
          }
          String reason = AttemptFailures.reasonOf(error);
          // An error or a timeout is this model failing this prompt; a rate limit, a refused
          // connection or an open circuit says nothing about the prompt.
          if (prediction != null
              && (reason.equals(FallbackTrigger.serverError.name())
                  || reason.equals(FallbackTrigger.timeout.name()))) {
            learning.failed(prediction, model.name(), index == 0 ? policyDecision : null);
          }
          if (!AttemptFailures.movesOn(error, table.config().fallback().triggers)) {
            answerFailure(error);
            return;
          }
          String next = index + 1 < attempts.size() ? attempts.get(index + 1).name() : "peer";
          services.metrics().fallback(model.name(), next, reason);
          tryModel(index + 1);
        });
  }

  private void tryPeer(int index) {
    List<TrafficConfig.Peer> peers = table.usablePeers();
    if (!PeerForwarding.allowed(table, ctx.request()) || index >= peers.size()) {
      if (unsupported != null && lastFailure == null) {
        fail(unsupported, false);
        return;
      }
      String why =
          lastFailure != null
              ? "the last attempt failed: " + lastFailure.getMessage()
              : selection.attempts().isEmpty()
                  ? "every eligible model's circuit is open"
                  : "no attempt left";
      String message = "no healthy model or region for this request; " + why;
      if (lastFailure != null
          && lastFailure.status() == OVERLOADED
          && inbound.dialect() == Dialect.messages) {
        // Anthropic's clients back off and retry on 529 overloaded_error, as from Anthropic.
        fail(ApiError.upstream(OVERLOADED, "overloaded_error", message), false);
        return;
      }
      fail(ApiError.noneHealthy(message), false);
      return;
    }
    TrafficConfig.Peer peer = peers.get(index);
    Backend backend = services.backends().peer(peer.region());
    UpstreamPlan peerPlan =
        new UpstreamPlan(
            backend.settings().baseUrl() + endpoint.path(),
            PeerForwarding.headers(ctx.request(), admission, table, services.region()),
            received,
            null);
    onContext(
        backend.call(() -> timedOnLoop(backend, () -> attempt(backend, peerPlan, false))),
        (reply, error) -> {
          if (error == null) {
            servedBy = "peer";
            PeerForwarding.relay(reply, ctx.response(), this::finish);
            return;
          }
          services
              .metrics()
              .fallback(
                  "peer-" + peer.region(),
                  index + 1 < peers.size() ? "peer" : "none",
                  AttemptFailures.reasonOf(error));
          tryPeer(index + 1);
        });
  }

  /**
   * Runs an attempt on this request's event loop (the guard calls a retry from its timer's thread)
   * and fails it with the backend's timeout exception once it has taken longer than the backend's
   * timeout, abandoning its call. The timer is the loop's own.
   */
  private CompletionStage<UpstreamReply> timedOnLoop(
      Backend backend, Supplier<CompletionStage<UpstreamReply>> attempt) {
    CompletableFuture<UpstreamReply> result = new CompletableFuture<>();
    Runnable run =
        () -> {
          Vertx vertx = context.owner();
          long timer =
              vertx.setTimer(
                  backend.timeoutMillis(),
                  id -> {
                    if (result.completeExceptionally(backend.timedOut()) && currentCall != null) {
                      currentCall.cancel();
                    }
                  });
          CompletionStage<UpstreamReply> stage;
          try {
            stage = attempt.get();
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedStage(e);
          }
          stage.whenComplete(
              (reply, error) -> {
                vertx.cancelTimer(timer);
                if (error != null) {
                  result.completeExceptionally(
                      error instanceof CompletionException ? error.getCause() : error);
                } else if (!result.complete(reply) && reply.streaming()) {
                  // Too late: the timeout answered the guard already.
                  reply.stream().request().reset();
                }
              });
        };
    if (Thread.currentThread() == loop) {
      run.run();
    } else {
      context.runOnContext(ignored -> run.run());
    }
    return result;
  }

  /**
   * One upstream call; the guard calls it again for a retry. Calls to the region's own models count
   * against the request's attempt budget; the peer forward that follows them does not.
   */
  private CompletionStage<UpstreamReply> attempt(
      Backend backend, UpstreamPlan attemptPlan, boolean budgeted) {
    if (budgeted && attemptsUsed >= table.config().fallback().maxAttempts) {
      return java.util.concurrent.CompletableFuture.failedStage(new AttemptFailures.BudgetSpent());
    }
    if (budgeted) {
      attemptsUsed++;
    }
    if (currentCall != null) {
      currentCall.cancel();
    }
    UpstreamCall call = new UpstreamCall();
    currentCall = call;
    plan = attemptPlan;
    long sent = System.nanoTime();
    long timeoutMillis = table.config().fallback().timeoutSeconds * 1000L;
    return services
        .client()
        .send(
            attemptPlan.url(),
            attemptPlan.headers(),
            attemptPlan.body(),
            request.stream(),
            timeoutMillis,
            call)
        .onSuccess(
            reply -> {
              long nanos = System.nanoTime() - sent;
              backend.latency().record(nanos / 1e6);
              services.metrics().upstreamLatency(backend.name(), nanos);
            })
        .onFailure(error -> lastFailure = error instanceof UpstreamFailure f ? f : lastFailure)
        .toCompletionStage();
  }

  /** The request in the canonical model, for an attempt that must translate it. */
  private CanonicalRequest translatable() {
    CanonicalRequest read = canonical();
    if (read == null) {
      throw untranslatable;
    }
    return read;
  }

  /**
   * A failure that is not a fallback trigger goes back to the client as the upstream gave it, in
   * the caller's dialect when the upstream spoke another.
   */
  private void answerFailure(Throwable error) {
    if (error instanceof UpstreamFailure failure && failure.status() > 0) {
      if (plan != null && !plan.passThrough()) {
        fail(
            plan.translator().parseError(failure.status(), failure.body().getBytes()).toApiError(),
            false);
        return;
      }
      HttpServerResponse response = ctx.response().setStatusCode(failure.status());
      response.putHeader("content-type", "application/json");
      finish(failure.status());
      response.end(failure.body());
      return;
    }
    fail(ApiError.noneHealthy("upstream failed: " + error.getMessage()), false);
  }

  private void deliver(UpstreamReply reply, ModelRoute model) {
    servedBy = model.name();
    if (quota != null) {
      quota.answerStarted();
    }
    if (!reply.ok() && !plan.passThrough()) {
      // The client's own mistake as the upstream saw it, in the client's dialect.
      fail(
          plan.translator().parseError(reply.status(), reply.body().getBytes()).toApiError(),
          false);
      return;
    }
    HttpServerResponse response = ctx.response();
    response.setStatusCode(reply.status());
    if (plan.passThrough()) {
      putIfPresent(response, "content-type", reply.contentType());
    } else {
      response.putHeader(
          "content-type", reply.streaming() ? "text/event-stream" : "application/json");
    }
    response.putHeader(HEADER_MODEL, model.name());
    response.putHeader(HEADER_CACHE, cacheResult);
    response.putHeader(HEADER_REGION, services.region());
    if (debug()) {
      response.putHeader(HEADER_DECISION, selection.explain());
    }
    if (prediction != null && reply.ok()) {
      String id = LearnedSelection.newRequestId();
      response.putHeader(HEADER_REQUEST_ID, id);
      Future<Void> remembered =
          learning.remember(
              id,
              prediction,
              model.name(),
              model.equals(selection.attempts().get(0)) ? policyDecision : null);
      if (reply.streaming()) {
        streamedDecision = remembered;
        streamedDecisionId = id;
      }
    }
    boolean store = cache.used() && reply.status() == 200;
    if (reply.streaming()) {
      stream(reply.stream(), model, store);
      return;
    }
    if (!reply.ok()) {
      finish(reply.status());
      response.end(reply.body());
      return;
    }
    Buffer body;
    TokenUsage usage;
    // Null when the answer passes through as it came.
    CanonicalAnswer answer = null;
    if (plan.passThrough()) {
      body = reply.body();
      usage = Usage.tokensOfAnswer(inbound.dialect(), body, request.needs().promptTokens());
    } else {
      answer = plan.translator().parseAnswer(Json.readOrNull(reply.body().getBytes()));
      if (answer.created() == 0) {
        // Anthropic's answers say not when they were made; chat and Responses callers read it.
        answer = answer.withCreated(clock().millis() / 1000);
      }
      body = Buffer.buffer(Json.bytes(inbound.renderAnswer(answer)));
      usage = answer.usage();
    }
    double cost = costs.account(model, usage, selection);
    response.putHeader(HEADER_COST, usd(cost));
    finish(reply.status());
    response.end(body);
    if (store) {
      cache.store(
          answer == null
              ? new CachedAnswer(
                  model.name(),
                  reply.contentType(),
                  CostAccounting.baselineUsd(usage, selection),
                  body,
                  CacheReplay.formOf(endpoint, false))
              : canonicalEntry(model, answer, usage));
    }
  }

  private CachedAnswer canonicalEntry(ModelRoute model, CanonicalAnswer answer, TokenUsage usage) {
    return new CachedAnswer(
        model.name(),
        "application/json",
        CostAccounting.baselineUsd(usage, selection),
        Buffer.buffer(Json.bytes(answer.toJson())),
        CachedAnswer.CANONICAL);
  }

  /**
   * Passes a streamed answer on chunk by chunk, with back-pressure, as it is or translated into the
   * caller's dialect, and accounts it at the end.
   */
  private void stream(HttpClientResponse upstream, ModelRoute model, boolean store) {
    HttpServerResponse response = ctx.response();
    int estimate = request.needs().promptTokens();
    StreamPipe pipe = streamPipe(estimate, store);
    StreamRelay.relay(
        upstream,
        response,
        pipe,
        () -> {
          TokenUsage usage =
              pipe.usage() != null ? pipe.usage() : new TokenUsage(estimate, 0, 0, 0, 0, true);
          double cost = costs.account(model, usage, selection);
          response.trailers().set(HEADER_COST, usd(cost));
          finish(response.getStatusCode());
          response.end();
          if (!store || pipe.failed()) {
            return;
          }
          if (pipe.copy() != null) {
            // As it was sent: a request of the same form replays it byte for byte.
            cache.store(
                new CachedAnswer(
                    model.name(),
                    upstream.getHeader("content-type"),
                    CostAccounting.baselineUsd(usage, selection),
                    pipe.copy(),
                    CacheReplay.formOf(endpoint, true)));
          } else {
            CanonicalAnswer answer = pipe.answer(clock().millis() / 1000);
            if (answer != null) {
              cache.store(canonicalEntry(model, answer, usage));
            }
          }
        },
        error -> {
          if (finished) {
            return; // the client left and the router stopped the upstream: counted as a cut-off
          }
          // After the first byte nothing is retried: the client sees the stream cut, never a mix of
          // two answers.
          LOG.warnf("stream from %s broke off: %s", model.name(), error.getMessage());
          // The model failed this prompt midway, as an error before the answer would have.
          streamedAnswerBad(LearnedSelection.FAILURE);
          finish(502);
          response.reset();
        });
  }

  /**
   * How this attempt's stream reaches the caller: translated when the plan translates; as it is
   * otherwise, read on the side by the decoder of the caller's dialect (counted only, for the
   * dialects the router does not decode).
   */
  private StreamPipe streamPipe(int estimate, boolean store) {
    if (!plan.passThrough()) {
      return StreamPipe.translating(
          plan.translator().streamDecoder(estimate),
          inbound.streamEncoder(canonical(), clock().millis() / 1000));
    }
    return switch (inbound.dialect()) {
      case chat -> StreamPipe.passing(OPENAI.streamDecoder(estimate), store);
      case messages -> StreamPipe.passing(ANTHROPIC.streamDecoder(estimate), store);
      case completions, responses -> StreamPipe.counting(new Usage.StreamTally(estimate));
    };
  }

  private java.time.Clock clock() {
    return services.clock();
  }

  /**
   * Answers from the cache in the caller's dialect and stream form; false, with nothing sent, when
   * the stored answer cannot be written in it (the request then goes on as a miss).
   */
  private boolean answerFromCache(CachedAnswer answer) {
    CacheReplay.Rendered rendered =
        CacheReplay.render(answer, endpoint, inbound, canonical(), request.stream());
    if (rendered == null) {
      return false;
    }
    servedBy = answer.model();
    HttpServerResponse response = ctx.response().setStatusCode(200);
    putIfPresent(response, "content-type", rendered.contentType());
    response.putHeader(HEADER_MODEL, answer.model());
    if (cache.servedSemantically()) {
      cacheResult = "semantic";
      String id = LearnedSelection.newRequestId();
      response.putHeader(HEADER_REQUEST_ID, id);
      cache.servedAs(id);
    }
    response.putHeader(HEADER_CACHE, cacheResult);
    response.putHeader(HEADER_REGION, services.region());
    response.putHeader(HEADER_COST, usd(0));
    services.metrics().cost(answer.model(), 0, answer.costUsd());
    finish(200);
    response.end(rendered.body());
    return true;
  }

  void fail(ApiError error, boolean closeConnection) {
    if (finished) {
      return;
    }
    if (closeConnection) {
      ctx.response().putHeader("connection", "close");
    }
    finish(error.status());
    sendError(ctx.response(), error, services.region(), inbound.dialect());
  }

  /** The client went away before its answer ended: stop the upstream call and count the request. */
  void clientGone() {
    if (finished) {
      return;
    }
    // The answer was cut off. A stream that reached its end, or that the router ended on an
    // upstream failure, finished first.
    streamedAnswerBad(LearnedSelection.CUT_OFF);
    finish(499);
    // Last: the cancelled upstream stream reports itself broken, which is no failure of the model.
    if (currentCall != null) {
      currentCall.cancel();
    }
  }

  /**
   * A bad outcome for the learned decision being streamed, once the decision is in Redis to be
   * rated; once.
   */
  private void streamedAnswerBad(String source) {
    if (streamedDecision == null) {
      return;
    }
    String id = streamedDecisionId;
    LearnedSelection learned = learning;
    streamedDecision.onComplete(remembered -> learned.streamedAnswerBad(id, source));
    streamedDecision = null;
  }

  private void finish(int status) {
    if (finished) {
      return;
    }
    finished = true;
    if (quota != null) {
      // Bookkeeping the client need not wait for: sent once the answer, which the caller writes
      // next, has gone out.
      context.runOnContext(ignored -> quota.settle());
    }
    if (request != null) {
      services.metrics().cache(cacheResult);
    }
    services
        .metrics()
        .requestFinished(servedBy, status, cacheResult, System.nanoTime() - startNanos);
  }

  private boolean debug() {
    String value = ctx.request().getHeader(HEADER_DEBUG);
    return value != null && !value.equals("0") && !value.equalsIgnoreCase("false");
  }

  /**
   * Continues on this request's event loop once the guard's stage completes, wherever it completes.
   */
  private <T> void onContext(
      CompletionStage<T> stage, java.util.function.BiConsumer<T, Throwable> next) {
    stage.whenComplete(
        (value, error) -> {
          Throwable cause =
              error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
          onLoop(() -> continueWith(next, value, cause));
        });
  }

  /**
   * Runs {@code next} at once when called on this request's event loop, else queued to it. Answers
   * from Redis and upstreams come on the loop's own thread, mostly under another Vert.x context
   * than the request's; a queued task for each would only delay the request.
   */
  private void onLoop(Runnable next) {
    if (Thread.currentThread() == loop) {
      next.run();
    } else {
      context.runOnContext(ignored -> next.run());
    }
  }

  private <T> void continueWith(
      java.util.function.BiConsumer<T, Throwable> next, T value, Throwable error) {
    if (finished) {
      if (value instanceof UpstreamReply reply && reply.streaming()) {
        reply.stream().request().reset();
      }
      return;
    }
    if (error != null && currentCall != null) {
      currentCall.cancel();
    }
    try {
      next.accept(value, error);
    } catch (RuntimeException e) {
      LOG.errorf(e, "request failed in the router");
      fail(ApiError.internal(), false);
    }
  }
}
