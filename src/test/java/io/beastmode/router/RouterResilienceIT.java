package io.beastmode.router;

import static io.beastmode.router.RouterChecks.concurrently;
import static io.beastmode.router.RouterChecks.failModel;
import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router when parts fail, over real HTTP with real Redis and simulated model backends:
 * fallback, circuit breaking, timeouts, peer regions, the in-flight limit and Redis going away.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterTestResource.class, restrictToAnnotatedClass = true)
class RouterResilienceIT extends RouterHarness {
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
}
