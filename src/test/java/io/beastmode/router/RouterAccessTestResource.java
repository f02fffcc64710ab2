package io.beastmode.router;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Digests;
import io.beastmode.wire.RoutingConfig;
import io.beastmode.wire.TrafficConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A router with API keys: a redis-server process, a simulated provider (gpt-4o, gpt-4o-mini), a
 * recording server that plays a model ("recorded"), a failing model ("broken") and the peer region
 * and keeps the headers of every request it gets, and the routing, traffic and keys files.
 */
public class RouterAccessTestResource implements QuarkusTestResourceLifecycleManager {
  static final String ACME_KEY = "sk-acme-0123456789";
  static final String GLOBEX_KEY = "sk-globex-0123456789";
  static final String NARROW_KEY = "sk-narrow-0123456789";
  static final String EXPIRED_KEY = "sk-expired-0123456789";
  static final String TEMPORARY_KEY = "sk-temporary-0123456789";
  static final String LIMITED_KEY = "sk-limited-0123456789";
  static final String BUDGET_KEY = "sk-budget-0123456789";
  static final String STREAM_KEY = "sk-stream-0123456789";
  static final String LEAVING_KEY = "sk-leaving-0123456789";
  static final String HITS_KEY = "sk-hits-0123456789";

  /** A key without limits of HITS_KEY's tenant, so it shares that tenant's cache entries. */
  static final String HITS_PRIMER_KEY = "sk-hits-primer-0123456789";

  /** Keys the OpenAI Python client is refused with: two requests a minute, and no budget left. */
  static final String CLIENT_LIMITED_KEY = "sk-client-limited-0123456789";

  static final String CLIENT_SPENT_KEY = "sk-client-spent-0123456789";

  /** The daily budget of BUDGET_KEY and STREAM_KEY, in USD. */
  static final double DAILY_USD = 0.0005;

  static final String RECORDED_ANSWER = "answered by the recording server";

  /** One request the recording server got. */
  record Seen(String path, MultiMap headers) {}

  static final List<Seen> seen = new CopyOnWriteArrayList<>();
  static RedisServer redis;
  static SimulatorServer openai;
  static Path keysFile;
  private static Path routingFile;
  private static Path trafficFile;
  private static Vertx vertx;
  private static Path dir;
  private static HttpServer recorder;

  @Override
  public Map<String, String> start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    openai =
        SimulatorServer.start(
            vertx,
            0,
            new SimulatorConfig(
                List.of(
                    SimulatedModel.echo("gpt-4o", 5),
                    SimulatedModel.echo("gpt-4o-mini", 1),
                    // Twenty words a second for ten seconds: a stream a client can leave midway.
                    new SimulatedModel(
                        "gpt-4o-slow", "word ".repeat(200), 1, 1, 20, 0, 500, Outage.none)),
                Outage.none));
    recorder = startRecorder();
    String recorderUrl = "http://127.0.0.1:" + recorder.actualPort();
    try {
      dir = Files.createTempDirectory("beastmode-router-access");
      routingFile = dir.resolve("routing.yaml");
      trafficFile = dir.resolve("traffic.yaml");
      keysFile = dir.resolve("keys.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RouterTestResource.replace(routingFile, ConfigYaml.write(routing(recorderUrl)));
    RouterTestResource.replace(
        trafficFile,
        ConfigYaml.write(
            new TrafficConfig(
                List.of(new TrafficConfig.Peer("us-east", recorderUrl + "/peer", 50)))));
    RouterTestResource.replace(keysFile, ConfigYaml.write(keys()));
    return Map.of(
        "beastmode.role",
        "router",
        "beastmode.router.config",
        routingFile.toString(),
        "beastmode.router.traffic",
        trafficFile.toString(),
        "beastmode.router.keys",
        keysFile.toString(),
        "beastmode.router.reload-interval",
        "100ms",
        "beastmode.router.pod",
        "router-access-test-0",
        "beastmode.router.cache-timeout",
        "2s",
        "quarkus.redis.hosts",
        redis.url());
  }

  @Override
  public void stop() {
    recorder.close();
    openai.close();
    vertx.close();
    redis.close();
    TempFiles.delete(dir);
  }

  /**
   * Answers every chat completion with a fixed answer, except under {@code /down}, where it fails
   * with 500, and remembers the path and headers of each request.
   */
  private static HttpServer startRecorder() {
    String answer =
        "{\"id\":\"chatcmpl-rec\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"recorded\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
            + RECORDED_ANSWER
            + "\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}";
    try {
      return vertx
          .createHttpServer()
          .requestHandler(
              request ->
                  request.body(
                      body -> {
                        seen.add(
                            new Seen(
                                request.path(),
                                MultiMap.caseInsensitiveMultiMap().addAll(request.headers())));
                        boolean down = request.path().startsWith("/down");
                        request
                            .response()
                            .setStatusCode(down ? 500 : 200)
                            .putHeader("content-type", "application/json")
                            .end(
                                down
                                    ? "{\"error\":{\"message\":\"down\",\"type\":\"server_error\"}}"
                                    : answer);
                      }))
          .listen(0, "127.0.0.1")
          .toCompletionStage()
          .toCompletableFuture()
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("the recording server did not start", e);
    }
  }

  static RoutingConfig routing(String recorderUrl) {
    SelectionSpec selection = new SelectionSpec();
    selection.policy = SelectionPolicy.cost;
    FallbackSpec fallback = new FallbackSpec();
    fallback.maxAttempts = 2;
    fallback.timeoutSeconds = 2;
    CircuitBreakerSpec breaker = new CircuitBreakerSpec();
    RouterPodSpec limits = new RouterPodSpec();
    String openaiUrl = openai.baseUrl();
    return new RoutingConfig(
        "beastmode-test/access",
        "eu-west",
        List.of(
            RouterTestResource.model("gpt-4o", "openai", openaiUrl, 2.5, 10, 0.88, 128_000, true),
            RouterTestResource.model(
                "gpt-4o-mini", "openai", openaiUrl, 0.15, 0.6, 0.78, 128_000, true),
            RouterTestResource.model(
                "gpt-4o-slow", "openai", openaiUrl, 2.5, 10, 0.5, 128_000, true),
            RouterTestResource.model("recorded", "rec", recorderUrl, 9, 9, 0.5, 8_192, true),
            RouterTestResource.model(
                "broken", "rec", recorderUrl + "/down", 9, 9, 0.5, 8_192, true)),
        selection,
        new CacheSpec(),
        fallback,
        breaker,
        limits);
  }

  static AccessConfig.Key key(
      String name, String value, String tenant, List<String> models, String notAfter) {
    return new AccessConfig.Key(name, Digests.sha256Hex(value), tenant, models, notAfter, null);
  }

  /** The keys tests start from. */
  static AccessConfig keys() {
    return new AccessConfig(
        AccessMode.keys,
        List.of(
            key("team-a/app", ACME_KEY, "acme", List.of(), null),
            key("team-b/app", GLOBEX_KEY, "globex", List.of(), "2999-01-01T00:00:00Z"),
            key("team-a/narrow", NARROW_KEY, "acme", List.of("gpt-4o-mini"), null),
            key("team-a/old", EXPIRED_KEY, "acme", List.of(), "2020-01-01T00:00:00Z"),
            key("team-a/temporary", TEMPORARY_KEY, "acme", List.of(), null),
            quotaKey(
                "team-q/limited",
                LIMITED_KEY,
                new AccessConfig.Quota(3, 100_000, null, null, null, false, null)),
            quotaKey(
                "team-q/budget",
                BUDGET_KEY,
                new AccessConfig.Quota(null, null, DAILY_USD, null, null, false, null)),
            quotaKey(
                "team-q/stream",
                STREAM_KEY,
                new AccessConfig.Quota(null, null, DAILY_USD, null, null, false, null)),
            quotaKey(
                "team-q/hits",
                HITS_KEY,
                new AccessConfig.Quota(2, 1_000_000, 1.0, null, null, false, null)),
            key("team-q/hits-primer", HITS_PRIMER_KEY, "team-q-hits", List.of(), null),
            quotaKey(
                "team-q/leaving",
                LEAVING_KEY,
                new AccessConfig.Quota(null, null, 1.0, null, null, false, null)),
            quotaKey(
                "team-q/client-limited",
                CLIENT_LIMITED_KEY,
                new AccessConfig.Quota(2, null, null, null, null, false, null)),
            quotaKey(
                "team-q/client-spent",
                CLIENT_SPENT_KEY,
                new AccessConfig.Quota(null, null, 0.0, null, null, false, null))));
  }

  static AccessConfig.Key quotaKey(String name, String value, AccessConfig.Quota quota) {
    return new AccessConfig.Key(
        name, Digests.sha256Hex(value), name.replace('/', '-'), List.of(), null, quota);
  }

  static void writeKeys(String content) {
    RouterTestResource.replace(keysFile, content);
  }
}
