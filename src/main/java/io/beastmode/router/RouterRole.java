package io.beastmode.router;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.Role;
import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.router.access.Admission;
import io.beastmode.router.access.KeyRing;
import io.beastmode.router.access.KeyUseTracker;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.router.access.QuotaLedger;
import io.beastmode.router.access.UnwrittenSettlements;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.cache.CacheRedisOptions;
import io.beastmode.router.cache.PipelinedRedis;
import io.beastmode.router.cache.ResponseCache;
import io.beastmode.router.cache.semantic.SemanticCache;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.select.learned.EncoderPool;
import io.beastmode.router.upstream.Backends;
import io.beastmode.router.upstream.UpstreamClient;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfigPush;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Serves the OpenAI-compatible API when the role is router: loads the routing config, builds the
 * backends, the cache and the metrics, mounts the routes on the application's HTTP server and
 * starts the config watcher and the heartbeat.
 */
@Singleton
public class RouterRole {
  private static final Logger LOG = Logger.getLogger(RouterRole.class);

  private final Role role;
  private final Optional<String> configPath;
  private final Optional<String> trafficPath;
  private final Optional<String> keysPath;
  private final Optional<String> regionOverride;
  private final String pod;
  private final Duration reloadInterval;
  private final Duration cacheTimeout;
  private final int maxConnectionsPerHost;
  private final long localCacheBytes;
  private final Duration learnedPollInterval;
  private final Duration learnedRefitInterval;
  private final Duration ledgerTimeout;
  private final int ledgerWaitReplicas;
  private final Duration ledgerWaitTimeout;
  private long ledgerRewrites = -1;

  /** How often a router reads the semantic cache's changes from the other routers. */
  private static final long SEMANTIC_POLL_MILLIS = 250;

  private LearningRoutes learning;
  private final int semanticEntries;
  private volatile SemanticCache semantic;
  private EncoderPool encoderPool;
  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Instance<Redis> redis;
  private final CacheRedisOptions redisOptions;
  private PerEventLoop<PipelinedRedis> cacheRedis;
  private RoutingConfigWatcher watcher;
  private HeartbeatPublisher heartbeat;
  private RoutingConfigPushReader configPush;
  private final Duration configPushInterval;
  private UpstreamClient client;
  private RouterMetrics metrics;

  RouterRole(
      @ConfigProperty(name = "beastmode.role") Role role,
      @ConfigProperty(name = "beastmode.router.config") Optional<String> configPath,
      @ConfigProperty(name = "beastmode.router.traffic") Optional<String> trafficPath,
      @ConfigProperty(name = "beastmode.router.keys") Optional<String> keysPath,
      @ConfigProperty(name = "beastmode.region") Optional<String> regionOverride,
      @ConfigProperty(name = "beastmode.router.pod") String pod,
      @ConfigProperty(name = "beastmode.router.reload-interval", defaultValue = "1s")
          Duration reloadInterval,
      @ConfigProperty(name = "beastmode.router.config-push-interval", defaultValue = "250ms")
          Duration configPushInterval,
      @ConfigProperty(name = "beastmode.router.cache-timeout", defaultValue = "100ms")
          Duration cacheTimeout,
      @ConfigProperty(name = "beastmode.router.max-connections-per-host", defaultValue = "1000")
          int maxConnectionsPerHost,
      @ConfigProperty(name = "beastmode.router.local-cache-bytes", defaultValue = "16777216")
          long localCacheBytes,
      @ConfigProperty(name = "beastmode.router.learned-poll-interval", defaultValue = "1s")
          Duration learnedPollInterval,
      @ConfigProperty(name = "beastmode.router.learned-refit-interval", defaultValue = "30s")
          Duration learnedRefitInterval,
      @ConfigProperty(name = "beastmode.router.ledger-timeout", defaultValue = "2s")
          Duration ledgerTimeout,
      @ConfigProperty(name = "beastmode.router.ledger-wait-replicas", defaultValue = "0")
          int ledgerWaitReplicas,
      @ConfigProperty(name = "beastmode.router.ledger-wait-timeout", defaultValue = "100ms")
          Duration ledgerWaitTimeout,
      @ConfigProperty(name = "beastmode.router.semantic-entries", defaultValue = "100000")
          int semanticEntries,
      Vertx vertx,
      MeterRegistry registry,
      Instance<Redis> redis,
      CacheRedisOptions redisOptions) {
    this.role = role;
    this.configPath = configPath;
    this.trafficPath = trafficPath;
    this.keysPath = keysPath;
    this.regionOverride = regionOverride;
    this.pod = pod;
    this.reloadInterval = reloadInterval;
    this.configPushInterval = configPushInterval;
    this.cacheTimeout = cacheTimeout;
    this.maxConnectionsPerHost = maxConnectionsPerHost;
    this.localCacheBytes = localCacheBytes;
    this.learnedPollInterval = learnedPollInterval;
    this.learnedRefitInterval = learnedRefitInterval;
    this.ledgerTimeout = ledgerTimeout;
    this.ledgerWaitReplicas = ledgerWaitReplicas;
    this.ledgerWaitTimeout = ledgerWaitTimeout;
    this.semanticEntries = semanticEntries;
    this.vertx = vertx;
    this.registry = registry;
    this.redis = redis;
    this.redisOptions = redisOptions;
  }

  void mount(@Observes Router router) {
    if (role != Role.router) {
      return;
    }
    Path routing =
        Path.of(
            configPath.orElseThrow(
                () ->
                    new IllegalStateException(
                        "the router role needs beastmode.router.config (env BEASTMODE_ROUTER_CONFIG): the routing config file")));
    watcher =
        new RoutingConfigWatcher(
            routing, trafficPath.map(Path::of).orElse(null), keysPath.map(Path::of).orElse(null));
    RoutingTable table = watcher.load();
    String region = regionOverride.orElse(table.regionName());
    metrics = new RouterMetrics(registry, region);
    Backends backends = new Backends(metrics::retry);
    Redis redisClient = redis.get();
    Clock clock = Clock.systemUTC();
    learning =
        new LearningRoutes(
            vertx,
            redisClient,
            watcher::current,
            watcher::keys,
            clock,
            region,
            learnedPollInterval,
            learnedRefitInterval,
            () -> semantic,
            metrics,
            this::encoderPool);
    metrics.watchLearning(
        () -> learning.current() == null ? 0 : learning.current().examplesLearned());
    metrics.watchPolicies(
        () -> learning.current() == null ? null : learning.current().policyStatus());
    metrics.watchSelection(() -> learning.current() == null ? null : learning.current().summary());
    Consumer<RoutingTable> apply =
        next -> {
          backends.update(next);
          metrics.watchCircuits(backends);
          learning.apply(next);
          startSemanticCache(next, redisClient, clock);
        };
    apply.accept(table);
    RedisOptions options = redisOptions.copy();
    // Without Quarkus' options (not seen yet) the loops share its client, one connection each
    // still.
    cacheRedis =
        new PerEventLoop<>(
            () ->
                options == null
                    ? new PipelinedRedis(redisClient, false)
                    : new PipelinedRedis(
                        Redis.createClient(vertx, new RedisOptions(options)), true));
    ResponseCache cache =
        new ResponseCache(
            vertx,
            cacheRedis::get,
            cacheTimeout,
            Duration.ofSeconds(1),
            localCacheBytes,
            metrics::cacheError);
    client = new UpstreamClient(vertx, maxConnectionsPerHost);
    KeyUseTracker keyUse = new KeyUseTracker();
    QuotaLedger ledger =
        new QuotaLedger(
            cacheRedis::get,
            clock,
            vertx,
            new QuotaLedger.Settings(ledgerTimeout, ledgerWaitReplicas, ledgerWaitTimeout),
            new UnwrittenSettlements(100_000));
    // Settlements Redis did not take are written again once it answers.
    ledgerRewrites = vertx.setPeriodic(1000, tick -> ledger.rewriteUnwritten());
    metrics.watchUnwrittenSettlements(() -> ledger.unwritten().size());
    Exchange.Services services =
        new Exchange.Services(
            backends,
            client,
            cache,
            ledger,
            keyUse,
            metrics,
            region,
            clock,
            learning::current,
            () -> semantic);

    router
        .post("/v1/chat/completions")
        .handler(new CompletionHandler(Endpoint.chat, watcher::current, watcher::keys, services));
    for (Endpoint endpoint :
        List.of(Endpoint.completions, Endpoint.responses, Endpoint.messages, Endpoint.embeddings)) {
      router
          .post("/v1" + endpoint.path())
          .handler(new CompletionHandler(endpoint, watcher::current, watcher::keys, services));
    }
    router
        .post("/v1/messages/count_tokens")
        .handler(new TokenCountHandler(watcher::current, watcher::keys, services));
    learning.mountApi(router);
    router
        .get("/v1/models")
        .handler(
            ctx -> listModels(ctx, watcher.current(), watcher.keys(), clock.instant(), region));
    // Anything else on the API port, /q/* included (health and metrics are on the management
    // port), is a 404 in OpenAI's shape, or Anthropic's for a caller that sends anthropic-version.
    router
        .route()
        .last()
        .handler(
            ctx ->
                Replies.sendError(
                    ctx.response(),
                    ApiError.notFound(ctx.request().path()),
                    region,
                    ctx.request().getHeader("anthropic-version") != null
                        ? Dialect.messages
                        : Dialect.chat));

    watcher.watch(vertx, reloadInterval.toMillis(), apply, metrics::configReload);
    metrics.watchConfigRevision(watcher::revision);
    configPush =
        new RoutingConfigPushReader(
            vertx,
            redisClient,
            RoutingConfigPush.key(table.routerName(), table.regionName()),
            watcher);
    configPush.start(configPushInterval.toMillis());
    heartbeat = new HeartbeatPublisher(vertx, redisClient, metrics, keyUse, watcher::current, pod);
    heartbeat.start(1000);
    LOG.infof(
        "router for %s in region %s serving %d models, config version %s, access %s",
        table.config().router(), region, table.models().size(), table.version(), watcher.keys());
  }

  void mountManagement(@Observes ManagementInterface management) {
    if (role != Role.router) {
      return;
    }
    // The management server may start before or after the API's routes are mounted.
    management
        .router()
        .post("/selection/examples")
        .handler(BodyHandler.create().setBodyLimit(LearningRoutes.MAX_EXAMPLES_BYTES))
        .handler(ctx -> learning.examples(ctx));
    management.router().get("/selection/policy").handler(ctx -> learning.policy(ctx));
  }

  /**
   * The router's prompt encoder, made when the learned selection or the semantic cache first needs
   * it.
   */
  private synchronized EncoderPool encoderPool() {
    if (encoderPool == null) {
      encoderPool = new EncoderPool();
    }
    return encoderPool;
  }

  /** Starts the semantic cache the first time a config asks for it: its encoder takes memory. */
  private synchronized void startSemanticCache(RoutingTable table, Redis redisClient, Clock clock) {
    if (semantic == null && table.config().cache().mode == CacheMode.semantic) {
      SemanticCache started =
          new SemanticCache(
              vertx,
              redisClient,
              request -> cacheRedis.get().send(request),
              table.routerName(),
              semanticEntries,
              cacheTimeout.toMillis(),
              clock::millis,
              encoderPool());
      started.start(SEMANTIC_POLL_MILLIS);
      metrics.watchSemantic(started);
      semantic = started;
    }
  }

  void stop(@Observes ShutdownEvent event) {
    if (ledgerRewrites >= 0) {
      vertx.cancelTimer(ledgerRewrites);
    }
    if (learning != null) {
      learning.stop();
    }
    if (semantic != null) {
      semantic.stop();
    }
    if (encoderPool != null) {
      encoderPool.stop();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (heartbeat != null) {
      heartbeat.stop();
    }
    if (configPush != null) {
      configPush.stop();
    }
    if (client != null) {
      client.close();
    }
    if (cacheRedis != null) {
      cacheRedis.forEach(PipelinedRedis::close);
    }
  }

  /** The models and aliases the caller may ask for: every one when access is open. */
  private static void listModels(
      RoutingContext ctx, RoutingTable table, KeyRing keys, java.time.Instant now, String region) {
    Admission admission = keys.admit(PresentedKey.from(ctx.request()::getHeader), now);
    if (admission.refused()) {
      Replies.sendError(ctx.response(), admission.error(), region);
      return;
    }
    List<String> ids = new ArrayList<>();
    for (ModelRoute model : table.modelList()) {
      if (admission.allows(model.name())) {
        ids.add(model.name());
      }
    }
    for (String alias : table.config().selection().aliases) {
      if (admission.allows(alias)) {
        ids.add(alias);
      }
    }
    // Anthropic's clients (Claude Code among them) send anthropic-version and read its shape.
    boolean anthropic = ctx.request().getHeader("anthropic-version") != null;
    ObjectNode list = CompletionRequest.json().createObjectNode();
    if (!anthropic) {
      list.put("object", "list");
    }
    ArrayNode data = list.putArray("data");
    for (String id : ids) {
      ObjectNode entry = data.addObject();
      if (anthropic) {
        entry
            .put("type", "model")
            .put("id", id)
            .put("display_name", id)
            .put("created_at", "1970-01-01T00:00:00Z");
      } else {
        ModelRoute model = table.models().get(id);
        entry
            .put("id", id)
            .put("object", "model")
            .put("created", 0)
            .put("owned_by", model == null || model.pool() == null ? "beast-mode" : model.pool());
      }
    }
    if (anthropic) {
      list.put("has_more", false);
      list.put("first_id", ids.isEmpty() ? null : ids.get(0));
      list.put("last_id", ids.isEmpty() ? null : ids.get(ids.size() - 1));
    }
    ctx.response()
        .putHeader("content-type", "application/json")
        .end(Buffer.buffer(list.toString()));
  }
}
