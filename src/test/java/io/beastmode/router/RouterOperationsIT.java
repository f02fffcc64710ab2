package io.beastmode.router;

import static io.beastmode.router.RouterChecks.assertError;
import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.observability.MetricsContract;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.OutputStream;
import java.net.Socket;
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
import org.junit.jupiter.api.Test;

/**
 * Running the router, over real HTTP with real Redis and simulated model backends: bad input,
 * config reloads, metrics (and the dashboards built on them) and heartbeats.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterTestResource.class, restrictToAnnotatedClass = true)
class RouterOperationsIT extends RouterHarness {
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

  /**
   * Most clients (httpx, requests, curl) send the whole body before they read: a 20 MB body must
   * still get its 413 and the error body, whether its length is declared or it comes chunked.
   */
  @Test
  void aClientThatSendsAHugeBodyBeforeReadingGetsThe413AndItsBody() throws Exception {
    byte[] body = chat("auto", "x".repeat(20 << 20)).getBytes(StandardCharsets.UTF_8);
    for (boolean chunked : new boolean[] {false, true}) {
      try (Socket socket = new Socket(url.getHost(), url.getPort())) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        String framing = chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length;
        out.write(
            ("POST /v1/chat/completions HTTP/1.1\r\nHost: router\r\n"
                    + "Content-Type: application/json\r\n"
                    + framing
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < body.length; at += 1 << 16) {
          int length = Math.min(1 << 16, body.length - at);
          if (chunked) {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          }
          out.write(body, at, length);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        }
        if (chunked) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
        // Done sending: the router closes the kept-alive connection once it reads the end.
        socket.shutdownOutput();
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).as(chunked ? "chunked" : "declared length").startsWith("HTTP/1.1 413");
        assertThat(answer).contains("\"code\":\"request_too_large\"");
      }
    }
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
      // The usage history, added to once per addition: the hour's hash counts requests and the
      // number of this router process's last addition taken.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                String hour =
                    io.beastmode.wire.UsageHistory.hourKey(
                        "beastmode-test/assistant", "eu-west", System.currentTimeMillis() / 1000);
                Response history =
                    redis
                        .send(Request.cmd(Command.HGETALL).arg(hour))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                assertThat(history.getKeys()).contains("requests");
                assertThat(history.getKeys()).anyMatch(f -> f.startsWith("seq:router-test-0:"));
              });
    } finally {
      vertx.close();
    }
  }
}
