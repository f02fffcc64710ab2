package io.beastmode.router;

import static io.beastmode.router.RouterChecks.concurrently;
import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router role over real HTTP, with real Redis and simulated model backends: what a request gets
 * — the model each policy picks, the cache (hits, bypasses, tenants, streams replayed, the router's
 * own memory) and streamed answers.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterTestResource.class, restrictToAnnotatedClass = true)
class RouterIT extends RouterHarness {
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
}
