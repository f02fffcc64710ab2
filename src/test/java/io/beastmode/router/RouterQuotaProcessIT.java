package io.beastmode.router;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.testing.Ports;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.ServerProcess;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Digests;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.QuotaKeys;
import io.beastmode.wire.RoutingConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys' budgets across the routers of one region, as its pods run them: three router processes of
 * the packaged application ({@code target/quarkus-app}, so failsafe runs this after {@code
 * package}) share one redis-server and one keys file and are called over HTTP. The upstream is a
 * server in this test that holds every answer while its gate is shut, so the routers admit or
 * refuse every request while every earlier reservation is still open: how many are admitted is then
 * a matter of the budget, never of timing.
 *
 * <p>The processes' logs, routing and keys files stay in {@code target/process-it/} for a look
 * after a failure.
 */
class RouterQuotaProcessIT {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final Path WORK = Path.of("target", "process-it", "RouterQuotaProcessIT");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private static final String MODEL = "metered";

  /** The model's price, prompt and answer alike: 10 USD a million tokens, 10,000 nano-USD each. */
  private static final double USD_PER_MILLION = 10;

  /**
   * Every question's content: 24 characters, which with a message's framing (counted as 16) the
   * router estimates at 40 characters, 10 tokens.
   */
  private static final int PROMPT_CHARS = 24;

  private static final int MAX_TOKENS = 90;

  /** What admission reserves for a question: its 10 prompt tokens and all 90 of max_tokens. */
  private static final long RESERVED_NANO_USD = 1_000_000;

  /** What each answer really used, as the upstream reports it: 10 prompt and 80 answer tokens. */
  private static final int PROMPT_TOKENS = 10;

  private static final int COMPLETION_TOKENS = 80;
  private static final long ANSWER_NANO_USD = 900_000;

  /** 33.5 reservations a day: 33 fit, and the half leaves room for rounding either way. */
  private static final double BUDGET_USD_PER_DAY = 0.0335;

  private static final String BUDGET_KEY = "bm-process-it-budget-0123456789";
  private static final QuotaKeys BUDGET = QuotaKeys.of("budget", "process-it/budget", false);

  /** 3.5 reservations a day: 3 fit. */
  private static final double DOOMED_USD_PER_DAY = 0.0035;

  private static final String DOOMED_KEY = "bm-process-it-doomed-0123456789";
  private static final QuotaKeys DOOMED = QuotaKeys.of("doomed", "process-it/doomed", false);

  private static final String WARM_KEY = "bm-process-it-warm-0123456789";

  /** One router process. */
  record Router(String name, String base, String management, ServerProcess process) {}

  private static final Running running = new Running();
  private static final List<Router> routers = new ArrayList<>();
  private static RedisServer redis;
  private static Vertx vertx;
  private static RedisCommands redisClient;
  private static GatedUpstream upstream;
  private static Path routingFile;
  private static Path keysFile;

  @BeforeAll
  static void start() throws Exception {
    assertThat(JAR).as("the packaged application (mvn package)").exists();
    TempFiles.delete(WORK);
    Files.createDirectories(WORK);
    redis = RedisServer.start();
    running.add(redis);
    vertx = Vertx.vertx();
    running.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, SECONDS));
    redisClient = RedisCommands.to(redis.url());
    running.add(redisClient::close);
    upstream = GatedUpstream.start(vertx);
    running.add(upstream);
    routingFile = WORK.resolve("routing.yaml");
    keysFile = WORK.resolve("keys.yaml");
    Files.writeString(routingFile, ConfigYaml.write(routing(upstream.baseUrl())));
    Files.writeString(keysFile, ConfigYaml.write(keys()));
    // Started together, then awaited: the three start-ups overlap.
    for (String name : List.of("router-a", "router-b", "router-c")) {
      routers.add(startRouter(name));
    }
    for (Router router : routers) {
      router.process().awaitHttp(router.management() + "/q/health/ready");
    }
    warmUp();
  }

  /**
   * Serves 200 concurrent requests with a key whose budget never runs out, so the routers' event
   * loops, their Redis connections and scripts and the client's connections are all in use before a
   * test, as in a region that is serving. Cold, the router asked first admitted every request of a
   * burst on its own: the others were still opening connections.
   */
  private static void warmUp() throws Exception {
    upstream.open();
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(ask(routers.get(i % routers.size()), WARM_KEY, question("warm " + i)));
    }
    for (var answer : answers) {
      assertThat(answer.get(60, SECONDS).statusCode()).isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    running.close();
    routers.clear();
  }

  @BeforeEach
  void shutTheGate() {
    upstream.shut();
  }

  @Test
  void twoHundredConcurrentRequestsOverThreeRoutersAdmitExactlyWhatTheBudgetHolds()
      throws Exception {
    long budget = Math.round(BUDGET_USD_PER_DAY * 1e9);
    long fits = budget / RESERVED_NANO_USD;
    assertThat(fits).isEqualTo(33);
    Instant started = Instant.now();
    double refusalsBefore = budgetRefusals();

    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      answers.add(ask(routers.get(i % routers.size()), BUDGET_KEY, question("budget " + i)));
    }
    // Every request refused, or admitted and waiting at the upstream: all admitted at once.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                answers.stream().filter(CompletableFuture::isDone).count() + upstream.waiting()
                    >= answers.size());
    long answeredWhileHeld = answers.stream().filter(CompletableFuture::isDone).count();
    int admittedAtUpstream = upstream.waiting();
    upstream.open();

    List<HttpResponse<String>> responses = new ArrayList<>();
    for (var answer : answers) {
      responses.add(answer.get(60, SECONDS));
    }
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Integer> admittedBy = new TreeMap<>();
    for (int i = 0; i < responses.size(); i++) {
      byStatus.merge(responses.get(i).statusCode(), 1, Integer::sum);
      if (responses.get(i).statusCode() == 200) {
        admittedBy.merge(routers.get(i % routers.size()).name(), 1, Integer::sum);
      }
    }
    System.out.printf(
        "budget %d nano-USD, reservation %d: answers by status %s, admitted by router %s,"
            + " %d refused before the gate opened, %d waiting at the upstream%n",
        budget, RESERVED_NANO_USD, byStatus, admittedBy, answeredWhileHeld, admittedAtUpstream);

    assertThat(byStatus)
        .as("exactly the whole reservations the budget holds are admitted, the rest refused")
        .containsExactlyInAnyOrderEntriesOf(Map.of(200, (int) fits, 429, 200 - (int) fits));
    assertThat(admittedAtUpstream).as("admitted, all in flight together").isEqualTo((int) fits);
    assertThat(upstream.received()).as("requests that reached the model").isEqualTo((int) fits);
    assertThat(admittedBy).as("admissions through more than one router").hasSizeGreaterThan(1);
    for (var response : responses) {
      if (response.statusCode() == 429) {
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(error.path("message").asText()).contains("daily USD budget");
        assertThat(error.has("param")).isTrue();
        assertThat(response.headers().firstValue("retry-after")).isPresent();
      } else {
        assertThat(JSON.readTree(response.body()).path("usage").path("completion_tokens").asInt())
            .isEqualTo(COMPLETION_TOKENS);
      }
    }

    // Settled: nothing held any more, and each answer spent what it really used.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> number(BUDGET.held(), "usd") == 0 && reservations(BUDGET).isEmpty());
    long spent = spentSince(BUDGET, started);
    System.out.printf(
        "spent today %d nano-USD of a %d nano-USD budget (%d answers at %d)%n",
        spent, budget, fits, ANSWER_NANO_USD);
    // docs/access.md, the bound within a region: spend passes a budget only by what requests in
    // flight when it ran out use beyond their estimates. Every answer here used less than its
    // reservation (its prompt as estimated, 80 of its 90 max_tokens), so the day's spend stays
    // within the budget however the 200 requests interleave over the three routers.
    assertThat(spent).isEqualTo(fits * ANSWER_NANO_USD).isLessThanOrEqualTo(budget);
    assertThat(get(BUDGET.tokensOnDay(Instant.now())))
        .isEqualTo(fits * (PROMPT_TOKENS + COMPLETION_TOKENS));

    // No router admitted anything unchecked (Redis errors fail open), and together they refused
    // the rest for the budget.
    assertThat(
            routers.stream()
                .mapToDouble(r -> metric(r, "beastmode_router_quota_errors_total"))
                .sum())
        .isZero();
    assertThat(budgetRefusals() - refusalsBefore).isEqualTo(200 - fits);
  }

  @Test
  void aKilledRoutersReservationsHoldTheBudgetUntilTheirDeadlineThenAreReleased() throws Exception {
    Router doomed = startRouter("router-doomed");
    try {
      doomed.process().awaitHttp(doomed.management() + "/q/health/ready");
      long admittedAt = System.currentTimeMillis();
      for (int i = 0; i < 3; i++) {
        // Their answers never come: the router dies with them in flight.
        ask(doomed, DOOMED_KEY, question("doomed " + i));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> upstream.waiting() == 3);
      assertThat(number(DOOMED.held(), "usd")).isEqualTo(3 * RESERVED_NANO_USD);
      doomed.process().kill();
      assertThat(number(DOOMED.held(), "usd"))
          .as("held after the kill")
          .isEqualTo(3 * RESERVED_NANO_USD);

      Router survivor = routers.get(0);
      var refused = ask(survivor, DOOMED_KEY, question("after the kill")).get(30, SECONDS);
      assertThat(refused.statusCode()).as("the dead router's holds still count").isEqualTo(429);
      assertThat(JSON.readTree(refused.body()).path("error").path("code").asText())
          .isEqualTo("insufficient_quota");

      // The deadlines the dead router wrote are five minutes after admission (QuotaLedger's
      // RESERVATION_DEADLINE). Rather than wait them out, move them to a moment ago, as if those
      // five minutes had passed; releasing them is the surviving router's own admission script.
      Map<String, Double> deadlines = reservations(DOOMED);
      assertThat(deadlines).hasSize(3);
      long now = System.currentTimeMillis();
      assertThat(deadlines.values())
          .allSatisfy(
              deadline ->
                  assertThat(deadline.longValue())
                      .isBetween(
                          admittedAt + Duration.ofMinutes(5).toMillis(),
                          now + Duration.ofMinutes(5).toMillis()));
      for (String id : deadlines.keySet()) {
        send(
            Request.cmd(Command.ZADD)
                .arg(DOOMED.deadlines())
                .arg("XX")
                .arg(Long.toString(now - 1))
                .arg(id));
      }
      upstream.open();

      var admitted = ask(survivor, DOOMED_KEY, question("after the deadline")).get(30, SECONDS);
      assertThat(admitted.statusCode()).as("the dead router's holds are gone").isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> number(DOOMED.held(), "usd") == 0 && reservations(DOOMED).isEmpty());
      assertThat(spentSince(DOOMED, Instant.ofEpochMilli(admittedAt)))
          .as("requests that were never answered cost nothing; the answered one its usage")
          .isEqualTo(ANSWER_NANO_USD);
    } finally {
      doomed.process().close();
    }
  }

  private static Router startRouter(String name) {
    int port = Ports.free();
    int management = Ports.free();
    ServerProcess process =
        ServerProcess.start(
            name,
            List.of(
                ServerProcess.java(),
                "-XX:MaxRAM=1g",
                "-Dbeastmode.role=router",
                "-Dbeastmode.router.config=" + routingFile,
                "-Dbeastmode.router.keys=" + keysFile,
                "-Dbeastmode.router.pod=" + name,
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Dquarkus.redis.hosts=" + redis.url(),
                // A killed router's file cache stays under WORK, not /tmp.
                "-Dquarkus.vertx.cache-directory=" + WORK.resolve("vertx-cache").toAbsolutePath(),
                "-jar",
                JAR.toString()),
            WORK);
    running.add(process);
    return new Router(name, "http://127.0.0.1:" + port, "http://127.0.0.1:" + management, process);
  }

  /** One model at a known price, no cache (each request reaches the ledger), no fallback. */
  private static RoutingConfig routing(String upstreamUrl) {
    CacheSpec cache = new CacheSpec();
    cache.mode = CacheMode.off;
    FallbackSpec fallback = new FallbackSpec();
    fallback.maxAttempts = 1;
    fallback.timeoutSeconds = 60;
    fallback.peerRegions = false;
    RouterPodSpec limits = new RouterPodSpec();
    limits.maxInFlight = 10_000;
    return new RoutingConfig(
        "process-it/router",
        "local",
        List.of(
            new ModelRoute(
                MODEL,
                "process-it",
                MODEL,
                upstreamUrl,
                null,
                USD_PER_MILLION,
                USD_PER_MILLION,
                0.8,
                null,
                128_000,
                null,
                new ModelCapabilities())),
        new SelectionSpec(),
        cache,
        fallback,
        new CircuitBreakerSpec(),
        limits);
  }

  /** Three keys, each with a daily USD budget and no per-minute limits. */
  private static AccessConfig keys() {
    return new AccessConfig(
        AccessMode.keys,
        List.of(
            new AccessConfig.Key(
                "process-it/budget",
                Digests.sha256Hex(BUDGET_KEY),
                "budget",
                List.of(),
                null,
                new AccessConfig.Quota(null, null, BUDGET_USD_PER_DAY, null, null, false, null)),
            new AccessConfig.Key(
                "process-it/warm",
                Digests.sha256Hex(WARM_KEY),
                "warm",
                List.of(),
                null,
                new AccessConfig.Quota(null, null, 1000.0, null, null, false, null)),
            new AccessConfig.Key(
                "process-it/doomed",
                Digests.sha256Hex(DOOMED_KEY),
                "doomed",
                List.of(),
                null,
                new AccessConfig.Quota(null, null, DOOMED_USD_PER_DAY, null, null, false, null))));
  }

  /** A prompt of exactly {@link #PROMPT_CHARS} characters, so its estimate is known. */
  private static String question(String label) {
    String prompt = String.format("%-" + PROMPT_CHARS + "s", label);
    assertThat(prompt).hasSize(PROMPT_CHARS);
    return prompt;
  }

  private static CompletableFuture<HttpResponse<String>> ask(
      Router router, String key, String prompt) {
    String body =
        "{\"model\":\""
            + MODEL
            + "\",\"max_tokens\":"
            + MAX_TOKENS
            + ",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt
            + "\"}]}";
    return HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(router.base() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("content-type", "application/json")
            .header("authorization", "Bearer " + key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Requests the three routers refused for a spent budget, so far. */
  private static double budgetRefusals() {
    return routers.stream()
        .mapToDouble(
            router ->
                metric(
                    router,
                    "beastmode_router_quota_refusals_total",
                    "reason=\"insufficient_quota\""))
        .sum();
  }

  /** A router's meter, summed over its series that contain {@code labels}. */
  private static double metric(Router router, String name, String... labels) {
    return PrometheusScrape.sum(router.management(), name, labels);
  }

  /** Nano-USD spent from {@code since} to now: the day counters of those UTC days. */
  private static long spentSince(QuotaKeys keys, Instant since) throws Exception {
    Instant now = Instant.now();
    Set<String> days = new LinkedHashSet<>();
    for (Instant at = since; at.isBefore(now); at = at.plus(Duration.ofDays(1))) {
      days.add(keys.usdOnDay(at));
    }
    days.add(keys.usdOnDay(now));
    long spent = 0;
    for (String day : days) {
      spent += get(day);
    }
    return spent;
  }

  /** Open reservations: id to deadline (epoch ms). */
  private static Map<String, Double> reservations(QuotaKeys keys) throws Exception {
    Map<String, Double> open = new TreeMap<>();
    for (Response id : send(Request.cmd(Command.ZRANGE).arg(keys.deadlines()).arg(0).arg(-1))) {
      Response deadline =
          send(Request.cmd(Command.ZSCORE).arg(keys.deadlines()).arg(id.toString()));
      if (deadline != null) {
        open.put(id.toString(), deadline.toDouble());
      }
    }
    return open;
  }

  private static long get(String key) throws Exception {
    return redisClient.number(key);
  }

  private static long number(String hash, String field) throws Exception {
    return redisClient.number(hash, field);
  }

  private static Response send(Request request) throws Exception {
    return redisClient.send(request);
  }

  /**
   * An OpenAI-compatible chat completions API that answers every request with the same usage, and
   * holds the answers while its gate is shut.
   */
  static final class GatedUpstream implements AutoCloseable {
    private final HttpServer server;
    private final List<HttpServerRequest> waiting = new ArrayList<>();
    private int received;
    private boolean open;

    private GatedUpstream(HttpServer server) {
      this.server = server;
    }

    static GatedUpstream start(Vertx vertx) throws Exception {
      var holder = new GatedUpstream[1];
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(
                  request -> request.body().onSuccess(body -> holder[0].arrived(request)))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, SECONDS);
      holder[0] = new GatedUpstream(server);
      return holder[0];
    }

    String baseUrl() {
      return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    private synchronized void arrived(HttpServerRequest request) {
      received++;
      if (open) {
        answer(request);
      } else {
        waiting.add(request);
      }
    }

    /** Answers what waits and, from now on, at once. */
    synchronized void open() {
      open = true;
      waiting.forEach(GatedUpstream::answer);
      waiting.clear();
    }

    /** Holds answers again and forgets what came before. */
    synchronized void shut() {
      open = false;
      received = 0;
      waiting.clear();
    }

    synchronized int waiting() {
      return waiting.size();
    }

    synchronized int received() {
      return received;
    }

    private static void answer(HttpServerRequest request) {
      request
          .response()
          .putHeader("content-type", "application/json")
          .end(
              """
              {"id":"chatcmpl-process-it","object":"chat.completion","created":1700000000,\
              "model":"%s","choices":[{"index":0,"message":{"role":"assistant",\
              "content":"Within budget."},"finish_reason":"stop"}],\
              "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                  .formatted(
                      MODEL, PROMPT_TOKENS, COMPLETION_TOKENS, PROMPT_TOKENS + COMPLETION_TOKENS));
    }

    @Override
    public void close() throws Exception {
      server.close().toCompletionStage().toCompletableFuture().get(10, SECONDS);
    }
  }
}
