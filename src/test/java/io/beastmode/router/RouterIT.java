package io.beastmode.router;

import static io.beastmode.router.RouterChecks.assertError;
import static io.beastmode.router.RouterChecks.concurrently;
import static io.beastmode.router.RouterChecks.failModel;
import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.observability.MetricsContract;
import io.beastmode.router.cache.CacheRedisOptions;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.RoutingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The router role over real HTTP, with real Redis and simulated model backends: selection, cache,
 * streaming, fallback, circuit breaking, peers, limits, bad input, reloads, metrics (and the
 * dashboards built on them) and heartbeats.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterTestResource.class, restrictToAnnotatedClass = true)
class RouterIT {
  @TestHTTPResource("/")
  URL url;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject MeterRegistry registry;

  @Inject CacheRedisOptions cacheRedisOptions;

  RouterClient router;

  @BeforeEach
  void baseline() {
    router = new RouterClient(url.toString(), management.toString());
    RouterTestResource.openai.simulator().configure(RouterTestResource.openaiModels());
    RouterTestResource.openWeights.simulator().configure(RouterTestResource.openWeightsModels());
    RouterTestResource.peer.simulator().outage(Outage.none);
    router.reconfigure(RouterTestResource.baseline());
  }

  @Test
  void theCostPolicyPicksTheCheapestModelAboveTheFloorAndSaysSo() {
    HttpResponse<String> response =
        router.post(
            "/v1/chat/completions", chat("auto", "hello " + unique()), "x-beastmode-debug", "1");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "x-beastmode-model")).isEqualTo("gpt-4o-mini");
    assertThat(header(response, "x-beastmode-region")).isEqualTo("eu-west");
    assertThat(header(response, "x-beastmode-cache")).isEqualTo("miss");
    assertThat(Double.parseDouble(header(response, "x-beastmode-cost-usd"))).isPositive();
    assertThat(header(response, "x-beastmode-decision"))
        .contains(
            "policy=cost",
            "gpt-4o-mini=chosen",
            "llama-3.1-8b=excluded(quality 0.62 < floor 0.75)");
    assertThat(json(response).at("/choices/0/message/content").asText()).startsWith("hello");
  }

  @Test
  void eachPolicyPicksWhatItShould() {
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o-mini");

    RoutingConfig quality = RouterTestResource.baseline();
    quality.selection().policy = SelectionPolicy.quality;
    router.reconfigure(quality);
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o");

    quality.selection().maxOutputPricePerMillion = 1.0;
    router.reconfigure(quality);
    assertThat(router.modelFor("auto")).isEqualTo("llama-3.1-70b");

    RoutingConfig latency = RouterTestResource.baseline();
    latency.selection().policy = SelectionPolicy.latency;
    latency.selection().qualityFloor = 0;
    router.reconfigure(latency);
    // Every model is measured once first, then the fastest (the 1 ms llama-3.1-8b) wins.
    for (int i = 0; i < 6; i++) {
      router.modelFor("auto");
    }
    assertThat(router.modelFor("auto")).isEqualTo("llama-3.1-8b");

    RoutingConfig balanced = RouterTestResource.baseline();
    balanced.selection().policy = SelectionPolicy.balanced;
    balanced.selection().weights.cost = 0;
    balanced.selection().weights.quality = 1;
    balanced.selection().weights.latency = 0;
    router.reconfigure(balanced);
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o");

    assertThat(router.modelFor("llama-3.1-70b")).isEqualTo("llama-3.1-70b");
  }

  @Test
  void theSecondIdenticalRequestIsACacheHit() {
    String body = chat("auto", "cache me " + unique());

    HttpResponse<String> first = router.post("/v1/chat/completions", body);
    HttpResponse<String> second = router.untilHit(body);

    assertThat(header(first, "x-beastmode-cache")).isEqualTo("miss");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(header(second, "x-beastmode-model")).isEqualTo("gpt-4o-mini");
    assertThat(Double.parseDouble(header(second, "x-beastmode-cost-usd"))).isZero();
  }

  @Test
  void aRepeatedQuestionIsAnsweredFromTheRoutersMemoryEvenWithRedisAway() {
    String body = chat("auto", "kept " + unique());
    router.post("/v1/chat/completions", body);
    router.untilHit(body);
    RouterTestResource.redis.stop();
    try {
      HttpResponse<String> response = router.post("/v1/chat/completions", body);

      assertThat(header(response, "x-beastmode-cache")).isEqualTo("hit");
      assertThat(response.statusCode()).isEqualTo(200);
    } finally {
      RouterTestResource.redis.startAgain();
    }
  }

  @Test
  void manyRequestsAtOnceAllUseTheCache() throws Exception {
    double errors = router.metric("beastmode_router_cache_errors_total");
    String prefix = "crowd " + unique() + " ";

    List<HttpResponse<String>> responses =
        concurrently(400, 100, i -> router.post("/v1/chat/completions", chat("auto", prefix + i)));

    assertThat(responses)
        .allSatisfy(r -> assertThat(header(r, "x-beastmode-cache")).isEqualTo("miss"));
    assertThat(router.metric("beastmode_router_cache_errors_total")).isEqualTo(errors);
  }

  @Test
  void theCachesOwnRedisClientsAreConfiguredAsQuarkusConfiguredItsClient() {
    assertThat(cacheRedisOptions.copy())
        .as("Quarkus passed its Redis options to the customizer")
        .isNotNull();
    assertThat(cacheRedisOptions.copy().getEndpoints())
        .containsExactly(RouterTestResource.redis.url());
  }

  @Test
  void sampledToolAndNoCacheRequestsBypassTheCache() {
    String content = "bypass " + unique();
    String warm = chat("auto", content).replace("\"temperature\":0", "\"temperature\":0.8");
    String tools =
        chat("auto", content)
            .replace(
                "\"temperature\":0",
                "\"temperature\":0,\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]");

    for (int i = 0; i < 2; i++) {
      assertThat(header(router.post("/v1/chat/completions", warm), "x-beastmode-cache"))
          .isEqualTo("bypass");
      assertThat(header(router.post("/v1/chat/completions", tools), "x-beastmode-cache"))
          .isEqualTo("bypass");
      assertThat(
              header(
                  router.post(
                      "/v1/chat/completions", chat("auto", content), "cache-control", "no-cache"),
                  "x-beastmode-cache"))
          .isEqualTo("bypass");
    }
  }

  @Test
  void tenantsNeverSeeEachOthersEntries() {
    String body = chat("auto", "tenant secret " + unique());

    assertThat(
            header(
                router.post("/v1/chat/completions", body, "x-beastmode-tenant", "acme"),
                "x-beastmode-cache"))
        .isEqualTo("miss");
    router.untilHit(body, "x-beastmode-tenant", "acme");

    assertThat(
            header(
                router.post("/v1/chat/completions", body, "x-beastmode-tenant", "globex"),
                "x-beastmode-cache"))
        .isEqualTo("miss");
    assertThat(header(router.post("/v1/chat/completions", body), "x-beastmode-cache"))
        .isEqualTo("miss");
  }

  @Test
  void aStreamedAnswerPassesThroughAndReplaysFromTheCache() {
    String body =
        chat("auto", "stream these five words " + unique())
            .replace("\"temperature\":0", "\"temperature\":0,\"stream\":true");

    HttpResponse<String> first = router.post("/v1/chat/completions", body);
    HttpResponse<String> second = router.untilHit(body);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(header(first, "content-type")).startsWith("text/event-stream");
    assertThat(first.body()).contains("\"chat.completion.chunk\"").endsWith("data: [DONE]\n\n");
    assertThat(header(first, "x-beastmode-cache")).isEqualTo("miss");
    assertThat(header(second, "content-type")).startsWith("text/event-stream");
    assertThat(second.body()).isEqualTo(first.body());
  }

  @Test
  void streamedUsageIsEstimatedWhenTheUpstreamSendsNone() {
    double before =
        router.metric(
            "beastmode_router_tokens_total", "model=\"gpt-4o-mini\"", "kind=\"completion\"");
    String body =
        chat("gpt-4o-mini", "count these words please " + unique())
            .replace("\"temperature\":0", "\"temperature\":0,\"stream\":true");

    HttpResponse<String> response =
        router.post("/v1/chat/completions", body, "cache-control", "no-store");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(header(response, "x-beastmode-model")).isEqualTo("gpt-4o-mini");
    assertThat(
            router.metric(
                "beastmode_router_tokens_total", "model=\"gpt-4o-mini\"", "kind=\"completion\""))
        .isGreaterThan(before);
  }

  @Test
  void aFailingBackendUnderLoadFallsBackWithNoClientError() throws Exception {
    failModel(RouterTestResource.openai, "gpt-4o-mini", 500);

    List<HttpResponse<String>> responses =
        concurrently(
            40, 8, i -> router.post("/v1/chat/completions", chat("auto", "load " + unique())));

    assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(responses)
        .allSatisfy(r -> assertThat(header(r, "x-beastmode-model")).isEqualTo("llama-3.1-70b"));
    assertThat(
            router.metric(
                "beastmode_router_fallbacks_total", "from=\"gpt-4o-mini\"", "to=\"llama-3.1-70b\""))
        .isPositive();
    router.healAndAwaitClosedCircuits();
  }

  @Test
  void theCircuitOpensOnFailuresAndClosesAfterItsDelay() {
    failModel(RouterTestResource.openai, "gpt-4o-mini", 503);
    for (int i = 0; i < 6; i++) {
      router.post("/v1/chat/completions", chat("auto", "trip " + unique()));
    }
    assertThat(router.metric("beastmode_router_circuit_state", "backend=\"model/gpt-4o-mini\""))
        .isEqualTo(2);

    // While open, gpt-4o-mini is not called at all: its backend sees no requests.
    long calls = RouterTestResource.openai.simulator().requests();
    HttpResponse<String> whileOpen =
        router.post(
            "/v1/chat/completions", chat("auto", "open " + unique()), "x-beastmode-debug", "1");
    assertThat(header(whileOpen, "x-beastmode-model")).isEqualTo("llama-3.1-70b");
    assertThat(header(whileOpen, "x-beastmode-decision"))
        .contains("gpt-4o-mini=excluded(circuit open)");
    assertThat(RouterTestResource.openai.simulator().requests()).isEqualTo(calls);

    router.healAndAwaitClosedCircuits();
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o-mini");
  }

  @Test
  void aHangingBackendTimesOutAndTheNextModelAnswers() {
    RouterTestResource.openai
        .simulator()
        .configure(
            new SimulatorConfig(
                List.of(
                    SimulatedModel.echo("gpt-4o", 20),
                    new SimulatedModel("gpt-4o-mini", null, 0, 0, 0, 0, 500, Outage.hang)),
                Outage.none));

    HttpResponse<String> response =
        router.post("/v1/chat/completions", chat("auto", "slow " + unique()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "x-beastmode-model")).isEqualTo("llama-3.1-70b");
    assertThat(
            router.metric(
                "beastmode_router_fallbacks_total", "from=\"gpt-4o-mini\"", "reason=\"timeout\""))
        .isPositive();
    router.healAndAwaitClosedCircuits();
  }

  @Test
  void whenEveryLocalModelFailsAHealthyPeerRegionAnswers() {
    RouterTestResource.openai.simulator().outage(Outage.error);
    RouterTestResource.openWeights.simulator().outage(Outage.error);

    HttpResponse<String> response =
        router.post("/v1/chat/completions", chat("auto", "anyone " + unique()));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).at("/choices/0/message/content").asText())
        .isEqualTo(RouterTestResource.PEER_ANSWER);

    RouterTestResource.peer.simulator().outage(Outage.error);
    HttpResponse<String> nobody =
        router.post("/v1/chat/completions", chat("auto", "anyone " + unique()));
    assertThat(nobody.statusCode()).isEqualTo(503);
    assertThat(json(nobody).at("/error/code").asText()).isEqualTo("no_healthy_backend");
    router.healAndAwaitClosedCircuits();
  }

  @Test
  void aForwardedRequestIsNeverForwardedAgain() {
    RouterTestResource.openai.simulator().outage(Outage.error);
    RouterTestResource.openWeights.simulator().outage(Outage.error);
    long peerCalls = RouterTestResource.peer.simulator().requests();

    HttpResponse<String> response =
        router.post(
            "/v1/chat/completions",
            chat("auto", "loop " + unique()),
            "x-beastmode-forwarded-from",
            "us-east");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(RouterTestResource.peer.simulator().requests()).isEqualTo(peerCalls);
    router.healAndAwaitClosedCircuits();
  }

  @Test
  void tooManyRequestsInFlightGet429WithRetryAfter() throws Exception {
    RoutingConfig narrow = RouterTestResource.baseline();
    narrow.limits().maxInFlight = 2;
    router.reconfigure(narrow);
    RouterTestResource.openai
        .simulator()
        .configure(
            new SimulatorConfig(
                List.of(SimulatedModel.echo("gpt-4o", 20), SimulatedModel.echo("gpt-4o-mini", 400)),
                Outage.none));

    List<HttpResponse<String>> responses =
        concurrently(
            12,
            12,
            i -> router.post("/v1/chat/completions", chat("gpt-4o-mini", "busy " + unique())));

    List<HttpResponse<String>> refused =
        responses.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(refused).isNotEmpty();
    assertThat(responses.stream().filter(r -> r.statusCode() == 200)).isNotEmpty();
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(header(r, "retry-after")).isEqualTo("1");
              assertThat(json(r).at("/error/code").asText()).isEqualTo("router_overloaded");
            });
  }

  @Test
  void badRequestsGetOpenAiErrorsAndTheRouterStaysUp() {
    assertError(
        router.post(
            "/v1/chat/completions",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\""),
        400,
        null);
    assertError(
        router.post("/v1/chat/completions", "{\"model\":\"auto\",\"messages\":\"hi\"}"),
        400,
        "messages");
    assertError(
        router.post(
            "/v1/chat/completions",
            "{\"model\":\"auto\",\"temperature\":\"warm\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        400,
        "temperature");
    assertError(
        router.post(
            "/v1/chat/completions",
            "{\"model\":\"auto\",\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}"),
        400,
        null);
    assertError(
        router.postBytes(
            "/v1/chat/completions",
            new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}),
        400,
        null);
    assertError(router.post("/v1/chat/completions", chat("auto", "x".repeat(70_000))), 413, null);
    assertError(router.post("/v1/chat/completions", chat("gpt-5-ultra", "hi")), 404, "model");
    assertError(
        router.post(
            "/v1/chat/completions",
            "{\"model\":\"auto\",\"max_tokens\":200000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
        400,
        "model");
    assertError(router.get("/v1/embeddings"), 404, null);
    // Health and metrics are on the management port only: the API port knows nothing of them.
    assertError(router.get("/q/metrics"), 404, null);
    assertError(router.get("/q/health/ready"), 404, null);
    assertThat(router.scrape()).contains("beastmode_router_requests_total");

    assertThat(
            router
                .post("/v1/chat/completions", chat("auto", "still here " + unique()))
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void textCompletionsAndTheModelListWork() {
    HttpResponse<String> completion =
        router.post(
            "/v1/completions",
            "{\"model\":\"auto\",\"temperature\":0,\"prompt\":\"say " + unique() + "\"}");
    assertThat(completion.statusCode()).isEqualTo(200);
    assertThat(json(completion).at("/object").asText()).isEqualTo("text_completion");
    assertThat(header(completion, "x-beastmode-model")).isEqualTo("gpt-4o-mini");

    JsonNode models = json(router.get("/v1/models"));
    List<String> ids = new ArrayList<>();
    models.path("data").forEach(m -> ids.add(m.path("id").asText()));
    assertThat(ids)
        .containsExactly("gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b", "auto");
  }

  @Test
  void redisDownMeansNoCacheNotNoService() {
    String body = chat("auto", "redis outage " + unique());
    RouterTestResource.redis.stop();
    try {
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response = router.post("/v1/chat/completions", body);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(header(response, "x-beastmode-cache")).isNotEqualTo("hit");
      }
      assertThat(router.metric("beastmode_router_cache_errors_total")).isPositive();
    } finally {
      RouterTestResource.redis.startAgain();
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              router.post("/v1/chat/completions", body);
              assertThat(header(router.post("/v1/chat/completions", body), "x-beastmode-cache"))
                  .isEqualTo("hit");
            });
  }

  @Test
  void aConfigReloadDuringLoadDropsNothing() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      results.add(
          clients.submit(
              () -> {
                List<Integer> statuses = new ArrayList<>();
                while (running.get()) {
                  statuses.add(
                      router
                          .post("/v1/chat/completions", chat("auto", "reload " + unique()))
                          .statusCode());
                }
                return statuses;
              }));
    }
    RoutingConfig quality = RouterTestResource.baseline();
    quality.selection().policy = SelectionPolicy.quality;
    router.reconfigure(quality);
    router.reconfigure(RouterTestResource.baseline());
    router.reconfigure(quality);
    running.set(false);
    clients.shutdown();
    List<Integer> statuses = new ArrayList<>();
    for (Future<List<Integer>> result : results) {
      statuses.addAll(result.get(30, TimeUnit.SECONDS));
    }

    assertThat(statuses).isNotEmpty().containsOnly(200);
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o");
  }

  @Test
  void aBrokenConfigIsRejectedAndTheLastGoodOneKeepsServing() throws Exception {
    double rejected = router.metric("beastmode_router_config_reloads_total", "result=\"rejected\"");
    Files.writeString(RouterTestResource.routingFile, "models: [{name: only-a-name}]\n");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                router.metric("beastmode_router_config_reloads_total", "result=\"rejected\"")
                    > rejected);
    assertThat(router.modelFor("auto")).isEqualTo("gpt-4o-mini");
  }

  @Test
  void metricsCountRequestsCostAndSavings() {
    double requests =
        router.metric("beastmode_router_requests_total", "model=\"gpt-4o-mini\"", "status=\"2xx\"");
    double cost = router.metric("beastmode_router_cost_usd_total");
    double saved = router.metric("beastmode_router_saved_usd_total");

    router.post("/v1/chat/completions", chat("auto", "count me " + unique()));

    assertThat(
            router.metric(
                "beastmode_router_requests_total", "model=\"gpt-4o-mini\"", "status=\"2xx\""))
        .isEqualTo(requests + 1);
    assertThat(router.metric("beastmode_router_cost_usd_total")).isGreaterThan(cost);
    // gpt-4o was eligible too: choosing gpt-4o-mini saved the difference.
    assertThat(router.metric("beastmode_router_saved_usd_total")).isGreaterThan(saved);
    assertThat(router.metric("beastmode_router_latency_seconds_count", "model=\"gpt-4o-mini\""))
        .isPositive();
    assertThat(router.metric("beastmode_router_inflight")).isZero();
  }

  /**
   * The dashboards and the metrics table of docs/observability.md name only metrics and labels a
   * real scrape holds, and every meter the code registers is in it. The operator's meters come from
   * its catalogue, registered in this application's Prometheus registry.
   */
  @Test
  void theDashboardsAndDocsNameOnlyWhatAScrapeHolds() {
    RequestsOfEveryKind.serve(router);
    MetricsContract.registerOperatorMeters(registry);
    var scrape = PrometheusScrape.parse(router.scrape());

    assertThat(MetricsContract.dashboardProblems(scrape)).isEmpty();
    assertThat(MetricsContract.documented()).isEqualTo(MetricsContract.exportedFamilies(scrape));
    assertThat(MetricsContract.metersMissingFrom(scrape))
        .as("serve or record them in this test")
        .isEmpty();
  }

  @Test
  void everySecondTheRouterWritesItsHeartbeatToRedis() throws Exception {
    router.post("/v1/chat/completions", chat("auto", "beat " + unique()));
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, RouterTestResource.redis.url());
      String key = Heartbeat.key("beastmode-test/assistant", "eu-west", "router-test-0");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                Response value =
                    redis
                        .send(Request.cmd(Command.GET).arg(key))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                assertThat(value).isNotNull();
                JsonNode beat = RouterClient.JSON.readTree(value.toString(StandardCharsets.UTF_8));
                assertThat(beat.path("requests").asLong()).isPositive();
                assertThat(beat.path("latencyCounts"))
                    .hasSize(beat.path("latencyBoundsMs").size() + 1);
                // The operator compares these with what it wrote to know when routers run new
                // weights.
                assertThat(beat.path("configVersion").asText())
                    .isEqualTo(
                        ConfigYaml.version(Files.readString(RouterTestResource.routingFile)));
                assertThat(beat.path("trafficVersion").asText())
                    .isEqualTo(
                        ConfigYaml.version(Files.readString(RouterTestResource.trafficFile)));
              });
      Response ttl =
          redis
              .send(Request.cmd(Command.TTL).arg(key))
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
      assertThat(ttl.toInteger()).isBetween(1, Heartbeat.TTL_SECONDS);
    } finally {
      vertx.close();
    }
  }
}
