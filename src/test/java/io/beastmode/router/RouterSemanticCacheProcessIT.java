package io.beastmode.router;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.Ports;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.ServerProcess;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The semantic cache as a region runs it: router processes of the packaged application share one
 * redis-server and answer over HTTP from a simulated model that always gives the same answer, so
 * every exploration teaches the cache that a prompt asked again in other words has the same answer.
 * Once it has learned that, a prompt asked in other words is answered from the cache, by either
 * router, in every dialect, streamed too, and after a router restarts; never across a tenant, a
 * system prompt, tools, sampling or earlier turns; never in shadow mode; and a client's "wrong"
 * stops the entry being served at that similarity.
 *
 * <p>The prompts differ only in punctuation and spacing, which the encoder reads alike: the
 * decision's quality is {@code make eval-cache}'s matter; here it is what the router does with it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterSemanticCacheProcessIT {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final Path WORK = Path.of("target", "process-it", "RouterSemanticCacheProcessIT");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private static final String MODEL = "steady";
  private static final String ANSWER = "Rinse it with warm water and let it dry.";
  private static final int MAX_TOKENS = 64;

  /** The bound the routers keep: loose, so a few dozen labels are enough to serve. */
  private static final double MAX_WRONG_RATE = 0.2;

  private static final String TENANT = "x-beastmode-tenant";

  private static final List<String> VERBS =
      List.of("clean", "paint", "repair", "store", "wash", "fold", "polish", "dry");
  private static final List<String> NOUNS =
      List.of("bicycle", "carpet", "window", "guitar", "kettle", "jacket", "laptop", "fence");

  /**
   * How a question is asked again to teach the cache: a little less similar than the spacing
   * variants the tests ask with, so the labels vouch for those (a label says nothing of a lower
   * similarity than its own).
   */
  private static final String TAUGHT = "%s ?";

  /**
   * How each question is asked again in the tests: the encoder reads these alike, the exact cache
   * does not. Index 0 is the question as first asked.
   */
  private static final List<String> RE_ASKED =
      List.of("%s", "  %s", "%s  ", " %s ", "   %s", "%s   ", "  %s  ", "\t%s", "%s\t");

  record Router(String name, String base, String management, ServerProcess process) {}

  private static final Running running = new Running();
  private static RedisServer redis;
  private static Vertx vertx;
  private static SimulatorServer upstream;
  private static Router first;
  private static Router second;
  private static int nextQuestion;

  @BeforeAll
  static void start() throws Exception {
    assertThat(JAR).as("the packaged application (mvn package)").exists();
    TempFiles.delete(WORK);
    Files.createDirectories(WORK);
    redis = RedisServer.start();
    running.add(redis);
    vertx = Vertx.vertx();
    running.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, SECONDS));
    upstream =
        SimulatorServer.start(
            vertx,
            0,
            new SimulatorConfig(
                List.of(new SimulatedModel(MODEL, ANSWER, 0, 0, 0, 0, 500, Outage.none)), null));
    running.add(upstream);
    writeRouting("semantic", false);
    writeRouting("shadowed", true);
    first = startRouter("semantic-a", "semantic");
    second = startRouter("semantic-b", "semantic");
    teach(first, second, "tenant-a", 40);
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  @Order(1)
  void aPromptAskedAgainInOtherWordsIsAnsweredFromTheCacheByAnotherRouter() throws Exception {
    String question = question();
    assertThat(cacheOf(chat(first, "tenant-a", reAsked(question, 0), body -> {})))
        .isEqualTo("miss");
    awaitEntries(second, question);
    long asked = upstream.simulator().requests();

    HttpResponse<String> answer = chat(second, "tenant-a", reAsked(question, 1), body -> {});

    assertThat(cacheOf(answer)).isEqualTo("semantic");
    assertThat(JSON.readTree(answer.body()).at("/choices/0/message/content").asText())
        .isEqualTo(ANSWER);
    assertThat(upstream.simulator().requests()).as("the model was not asked").isEqualTo(asked);
    assertThat(answer.headers().firstValue("x-beastmode-request-id")).isPresent();
    assertThat(metric(second, "beastmode_router_cache_total", "result=\"semantic\""))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(2)
  void nothingCrossesATenantASystemPromptToolsSamplingOrEarlierTurns() throws Exception {
    String question = question();
    chat(first, "tenant-a", reAsked(question, 0), body -> {});
    awaitEntries(second, question);
    Map<String, Consumer<ObjectNode>> otherContexts =
        Map.of(
            "a system prompt",
            body -> messages(body).insert(0, message("system", "Answer as a pirate.")),
            "tools",
            body ->
                body.putArray("tools")
                    .addObject()
                    .put("type", "function")
                    .putObject("function")
                    .put("name", "lookup")
                    .putObject("parameters")
                    .put("type", "object"),
            "sampling",
            body -> body.put("top_p", 0.5),
            "an earlier turn",
            body -> {
              messages(body).insert(0, message("assistant", "Hello, how can I help?"));
              messages(body).insert(0, message("user", "hello"));
            });
    int variant = 1;
    for (var context : otherContexts.entrySet()) {
      var answer = chat(second, "tenant-a", reAsked(question, variant++), context.getValue());
      assertThat(cacheOf(answer)).as("with " + context.getKey()).isIn("miss", "bypass");
    }
    assertThat(cacheOf(chat(second, "tenant-b", reAsked(question, variant++), body -> {})))
        .as("another tenant")
        .isEqualTo("miss");
    assertThat(cacheOf(chat(second, "tenant-a", reAsked(question, variant), body -> {})))
        .as("the same context, asked in other words again")
        .isEqualTo("semantic");
  }

  @Test
  @Order(3)
  void aSemanticHitIsAnsweredInTheCallersDialectAndStreamForm() throws Exception {
    String question = question();
    chat(first, "tenant-a", reAsked(question, 0), body -> {});
    awaitEntries(second, question);

    HttpResponse<String> streamed =
        chat(second, "tenant-a", reAsked(question, 1), body -> body.put("stream", true));
    assertThat(cacheOf(streamed)).isEqualTo("semantic");
    assertThat(streamed.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(streamed.body()).contains("data: [DONE]").contains("warm water");

    ObjectNode messages = JSON.createObjectNode().put("model", MODEL).put("max_tokens", MAX_TOKENS);
    messages.putArray("messages").add(message("user", reAsked(question, 2)));
    HttpResponse<String> anthropic = post(second, "/v1/messages", "tenant-a", messages);
    assertThat(cacheOf(anthropic)).isEqualTo("semantic");
    assertThat(JSON.readTree(anthropic.body()).at("/content/0/text").asText()).isEqualTo(ANSWER);

    ObjectNode responses =
        JSON.createObjectNode()
            .put("model", MODEL)
            .put("max_output_tokens", MAX_TOKENS)
            .put("input", reAsked(question, 3));
    HttpResponse<String> openai = post(second, "/v1/responses", "tenant-a", responses);
    assertThat(cacheOf(openai)).isEqualTo("semantic");
    assertThat(openai.body()).contains(ANSWER);
  }

  @Test
  @Order(4)
  void aClientsWrongStopsTheEntryBeingServedAtThatSimilarity() throws Exception {
    String question = question();
    chat(first, "tenant-a", reAsked(question, 0), body -> {});
    awaitEntries(second, question);
    HttpResponse<String> served = chat(second, "tenant-a", reAsked(question, 1), body -> {});
    assertThat(cacheOf(served)).isEqualTo("semantic");
    String id = served.headers().firstValue("x-beastmode-request-id").orElseThrow();
    double labels = metric(first, "beastmode_router_cache_semantic_labels_learned");

    ObjectNode rating = JSON.createObjectNode().put("id", id).put("rating", "down");
    HttpResponse<String> feedback = post(first, "/v1/feedback", "tenant-a", rating);

    assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
    assertThat(JSON.readTree(feedback.body()).path("cache").asText()).isEqualTo("semantic");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric(second, "beastmode_router_cache_semantic_labels_learned") > labels);
    assertThat(cacheOf(chat(second, "tenant-a", reAsked(question, 1), body -> {})))
        .as("the same words again: the entry was wrong at this similarity")
        .isEqualTo("miss");
  }

  @Test
  @Order(5)
  void aRestartedRouterLoadsTheEntriesAndWhatTheRegionLearned() throws Exception {
    String question = question();
    chat(first, "tenant-a", reAsked(question, 0), body -> {});
    awaitEntries(first, question);
    second.process().close();
    second = startRouter("semantic-b2", "semantic");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(second, "beastmode_router_cache_semantic_labels_learned") >= 30);

    assertThat(cacheOf(chat(second, "tenant-a", reAsked(question, 1), body -> {})))
        .isEqualTo("semantic");
  }

  @Test
  @Order(6)
  void shadowModeComparesAndCountsButServesTheModel() throws Exception {
    Router shadowA = startRouter("shadow-a", "shadowed");
    Router shadowB = startRouter("shadow-b", "shadowed");
    teach(shadowA, shadowB, "tenant-s", 30);
    long asked = upstream.simulator().requests();
    String question = question();
    chat(shadowA, "tenant-s", reAsked(question, 0), body -> {});
    awaitEntries(shadowB, question);

    HttpResponse<String> answer = chat(shadowB, "tenant-s", reAsked(question, 1), body -> {});

    assertThat(cacheOf(answer)).isEqualTo("miss");
    assertThat(upstream.simulator().requests()).isEqualTo(asked + 2);
    assertThat(metric(shadowB, "beastmode_router_cache_semantic_total", "verdict=\"shadow\""))
        .isGreaterThanOrEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                metric(
                        shadowB,
                        "beastmode_router_cache_semantic_labels_total",
                        "source=\"shadow\"",
                        "agreed=\"true\"")
                    >= 1);
    assertThat(metric(shadowB, "beastmode_router_cache_total", "result=\"semantic\""))
        .as("nothing served from the semantic cache")
        .isZero();
  }

  /**
   * Asks {@code count} new questions on one router, then each again in other words on the other:
   * each second asking is explored (the model asked, its answer compared) until the cache may
   * serve, and every router of the region learns the labels.
   */
  private static void teach(Router asker, Router reAsker, String tenant, int count)
      throws Exception {
    List<String> questions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      questions.add(question());
      assertThat(chat(asker, tenant, reAsked(questions.get(i), 0), body -> {}).statusCode())
          .isEqualTo(200);
    }
    awaitEntries(reAsker, questions.get(count - 1));
    for (String question : questions) {
      chat(reAsker, tenant, TAUGHT.formatted(question), body -> {});
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                metric(asker, "beastmode_router_cache_semantic_labels_learned")
                    >= metric(reAsker, "beastmode_router_cache_semantic_labels_total"));
  }

  /**
   * Waits until the entry of {@code question} is in Redis and {@code router} has read every change
   * up to it: a partition it has loaded has the entry then, and one it has not loads it.
   */
  private static void awaitEntries(Router router, String question) throws Exception {
    String events = "beastmode:semantic:process-it/" + routerOf(router) + ":events";
    long[] length = new long[1];
    try (var redisClient = RedisCommands.to(redis.url())) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                var all = redisClient.send("XRANGE", events, "-", "+");
                length[0] = all.size();
                for (var event : all) {
                  for (var field : event.get(1)) {
                    if (field.toBuffer().toString(StandardCharsets.UTF_8).contains(question)) {
                      return true;
                    }
                  }
                }
                return false;
              });
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric(router, "beastmode_router_cache_semantic_changes_read") >= length[0]);
  }

  private static String routerOf(Router router) {
    return router.name().startsWith("shadow") ? "shadowed" : "semantic";
  }

  /** A question never asked before in this test. */
  private static synchronized String question() {
    int n = nextQuestion++;
    return "how do you "
        + VERBS.get(n % VERBS.size())
        + " a "
        + NOUNS.get((n / VERBS.size()) % NOUNS.size())
        + " quickly"
        + (n >= VERBS.size() * NOUNS.size() ? " at home" : "");
  }

  private static String reAsked(String question, int variant) {
    return RE_ASKED.get(variant).formatted(question);
  }

  private static HttpResponse<String> chat(
      Router router, String tenant, String prompt, Consumer<ObjectNode> shape) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("model", MODEL).put("max_tokens", MAX_TOKENS);
    body.putArray("messages").add(message("user", prompt));
    shape.accept(body);
    HttpResponse<String> answer = post(router, "/v1/chat/completions", tenant, body);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer;
  }

  private static ArrayNode messages(ObjectNode body) {
    return (ArrayNode) body.get("messages");
  }

  private static ObjectNode message(String role, String content) {
    return JSON.createObjectNode().put("role", role).put("content", content);
  }

  private static HttpResponse<String> post(Router router, String path, String tenant, JsonNode body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(router.base() + path))
            .timeout(Duration.ofSeconds(60))
            .header("content-type", "application/json")
            .header(TENANT, tenant)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String cacheOf(HttpResponse<String> answer) {
    return answer.headers().firstValue("x-beastmode-cache").orElse("none");
  }

  private static void writeRouting(String name, boolean shadow) throws IOException {
    CacheSpec cache = new CacheSpec();
    cache.mode = CacheMode.semantic;
    cache.semantic.maxWrongRate = MAX_WRONG_RATE;
    cache.semantic.shadow = shadow;
    // So a request with tools is looked up too: in a partition of its own.
    cache.cacheToolRequests = true;
    FallbackSpec fallback = new FallbackSpec();
    fallback.maxAttempts = 1;
    fallback.peerRegions = false;
    RoutingConfig routing =
        new RoutingConfig(
            "process-it/" + name,
            "local",
            List.of(
                new ModelRoute(
                    MODEL,
                    "process-it",
                    MODEL,
                    upstream.baseUrl(),
                    null,
                    1,
                    1,
                    0.8,
                    null,
                    128_000,
                    null,
                    capabilities())),
            new SelectionSpec(),
            cache,
            fallback,
            new CircuitBreakerSpec(),
            new RouterPodSpec());
    Files.writeString(WORK.resolve(name + ".yaml"), ConfigYaml.write(routing));
  }

  private static ModelCapabilities capabilities() {
    ModelCapabilities capabilities = new ModelCapabilities();
    capabilities.tools = true;
    return capabilities;
  }

  private static Router startRouter(String name, String routing) {
    int port = Ports.free();
    int management = Ports.free();
    ServerProcess process =
        ServerProcess.start(
            name,
            List.of(
                ServerProcess.java(),
                "-XX:MaxRAM=1g",
                "-Dbeastmode.role=router",
                "-Dbeastmode.router.config=" + WORK.resolve(routing + ".yaml"),
                "-Dbeastmode.router.pod=" + name,
                "-Dbeastmode.router.cache-timeout=2s",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Dquarkus.redis.hosts=" + redis.url(),
                "-Dquarkus.vertx.cache-directory=" + WORK.resolve("vertx-cache").toAbsolutePath(),
                "-jar",
                JAR.toString()),
            WORK);
    running.add(process);
    Router router =
        new Router(name, "http://127.0.0.1:" + port, "http://127.0.0.1:" + management, process);
    process.awaitHttp(router.management() + "/q/health/ready");
    // Until its encoder has loaded, a router misses and keeps nothing: wait for it.
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> metric(router, "beastmode_router_cache_semantic_encoder_ready") == 1);
    return router;
  }

  /** A router's meter, summed over its series that contain {@code labels}. */
  private static double metric(Router router, String name, String... labels) {
    return PrometheusScrape.sum(router.management(), name, labels);
  }
}
