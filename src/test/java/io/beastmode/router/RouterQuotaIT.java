package io.beastmode.router;

import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.testing.RedisCommands;
import io.beastmode.wire.KeyUse;
import io.beastmode.wire.QuotaKeys;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keys' rate limits and budgets over real HTTP, as OpenAI's clients see them: the rate-limit
 * headers, 429 with rate_limit_exceeded or insufficient_quota and Retry-After, and spend settled in
 * the region's Redis, streamed answers included.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterAccessTestResource.class, restrictToAnnotatedClass = true)
class RouterQuotaIT {
  private static final String CHAT = "/v1/chat/completions";
  private static RedisCommands redis;

  @TestHTTPResource("/")
  URL url;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  RouterClient router;

  @BeforeAll
  static void connect() {
    redis = RedisCommands.to(RouterAccessTestResource.redis.url());
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @BeforeEach
  void client() {
    router = new RouterClient(url.toString(), management.toString());
  }

  private HttpResponse<String> ask(String key, String body) {
    return router.post(CHAT, body, "authorization", "Bearer " + key);
  }

  private static String question(int maxTokens, boolean stream) {
    return question("gpt-4o-mini", maxTokens, stream);
  }

  private static String question(String model, int maxTokens, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":"
        + maxTokens
        + (stream ? ",\"stream\":true" : "")
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"quota "
        + unique()
        + "\"}]}";
  }

  @Test
  void aRequestLimitAnswersWithOpenAisHeadersThen429() {
    var first = ask(RouterAccessTestResource.LIMITED_KEY, question(16, false));
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).hasValue("3");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).isPresent();
    assertThat(first.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("100000");

    HttpResponse<String> refused = null;
    for (int i = 0; i < 4 && refused == null; i++) {
      var response = ask(RouterAccessTestResource.LIMITED_KEY, question(16, false));
      if (response.statusCode() == 429) {
        refused = response;
      }
    }
    assertThat(refused).as("the fourth request in a minute at the latest").isNotNull();
    var error = json(refused).path("error");
    assertThat(error.path("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(error.path("type").asText()).isEqualTo("requests");
    assertThat(refused.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(refused.body()).doesNotContain(RouterAccessTestResource.LIMITED_KEY);
  }

  @Test
  void aSpentBudgetIsInsufficientQuotaAndTheDaysSpendStaysWithinIt() throws Exception {
    HttpResponse<String> refused = null;
    int answered = 0;
    for (int i = 0; i < 200 && refused == null; i++) {
      // gpt-4o: each answer costs about 30 micro-USD, each reservation about 185.
      var response = ask(RouterAccessTestResource.BUDGET_KEY, question("gpt-4o", 16, false));
      if (response.statusCode() == 429) {
        refused = response;
      } else {
        assertThat(response.statusCode()).isEqualTo(200);
        answered++;
      }
    }
    assertThat(refused).as("the budget runs out").isNotNull();
    assertThat(answered).isPositive();
    var error = json(refused).path("error");
    assertThat(error.path("code").asText()).isEqualTo("insufficient_quota");
    assertThat(error.path("type").asText()).isEqualTo("insufficient_quota");
    assertThat(refused.headers().firstValue("retry-after")).isPresent();

    var keys = QuotaKeys.of("team-q-budget", "team-q/budget", false);
    await().atMost(Duration.ofSeconds(10)).until(() -> number(keys.held(), "usd") == 0);
    long spent = get(keys.usdOnDay(Instant.now()));
    assertThat(spent)
        .isPositive()
        .isLessThanOrEqualTo((long) (RouterAccessTestResource.DAILY_USD * 1e9));
  }

  @Test
  void aStreamedAnswerSettlesItsReservationWithItsRealCost() throws Exception {
    var keys = QuotaKeys.of("team-q-stream", "team-q/stream", false);
    long before = get(keys.usdOnDay(Instant.now()));
    var response = ask(RouterAccessTestResource.STREAM_KEY, question(50, true));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("data: [DONE]");

    await().atMost(Duration.ofSeconds(10)).until(() -> get(keys.usdOnDay(Instant.now())) > before);
    assertThat(number(keys.held(), "usd")).as("nothing held once settled").isZero();
    long estimate = (long) Math.ceil((50 * 0.6 + 20 * 0.15) * 1e3);
    assertThat(get(keys.usdOnDay(Instant.now())) - before)
        .as("the real cost, below the 50-token allowance reserved")
        .isLessThan(estimate);
  }

  @Test
  void aStreamItsClientLeavesMidAnswerReleasesItsHoldAndIsChargedTheWholeEstimate()
      throws Exception {
    var keys = QuotaKeys.of("team-q-leaving", "team-q/leaving", false);
    long before = get(keys.usdOnDay(Instant.now()));
    var request =
        java.net.http.HttpRequest.newBuilder(URI.create(url + "v1/chat/completions"))
            .header("authorization", "Bearer " + RouterAccessTestResource.LEAVING_KEY)
            .header("content-type", "application/json")
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    question("gpt-4o-slow", 400, true)))
            .build();
    var response =
        java.net.http.HttpClient.newHttpClient()
            .send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    try (var body = response.body()) {
      // The first words, then the client is gone: a ten-second answer left after a moment.
      assertThat(new String(body.readNBytes(64), StandardCharsets.UTF_8)).contains("data:");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> get(keys.usdOnDay(Instant.now())) > before);
    assertThat(number(keys.held(), "usd")).as("nothing held once settled").isZero();
    // What the model produced is unknown: the whole 400-token allowance at 10 USD a million.
    assertThat(get(keys.usdOnDay(Instant.now())) - before).isGreaterThanOrEqualTo(4_000_000L);
  }

  @Test
  void aCacheHitCountsAsARequestButChargesNoTokensAndNoSpend() throws Exception {
    // The three requests fall in one UTC minute, the window of requests/minute.
    await().atMost(Duration.ofSeconds(20)).until(() -> Instant.now().getEpochSecond() % 60 < 40);
    long minute = System.currentTimeMillis() / 60_000;
    String body = question(16, false);
    // A key of the same tenant without limits puts the answer in the tenant's cache.
    String primer = "Bearer " + RouterAccessTestResource.HITS_PRIMER_KEY;
    assertThat(router.post(CHAT, body, "authorization", primer).statusCode()).isEqualTo(200);
    router.untilHit(body, "authorization", primer);

    var first = ask(RouterAccessTestResource.HITS_KEY, body);
    var second = ask(RouterAccessTestResource.HITS_KEY, body);
    var third = ask(RouterAccessTestResource.HITS_KEY, body);

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-beastmode-cache")).hasValue("hit");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("1");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-beastmode-cache")).hasValue("hit");
    assertThat(third.statusCode())
        .as("requests/minute is 2 and both hits counted against it")
        .isEqualTo(429);
    assertThat(json(third).path("error").path("type").asText()).isEqualTo("requests");

    var keys = QuotaKeys.of("team-q-hits", "team-q/hits", false);
    assertThat(get(keys.requestsInMinute(minute))).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(number(keys.held(), "usd")).as("nothing held once settled").isZero();
              assertThat(number(keys.held(), "tok")).isZero();
              assertThat(get(keys.tokensInMinute(minute)))
                  .as("the hits' estimated tokens released")
                  .isZero();
            });
    assertThat(get(keys.usdOnDay(Instant.now()))).as("a hit spends nothing").isZero();
    assertThat(get(keys.tokensOnDay(Instant.now()))).isZero();
  }

  @Test
  void theHeartbeatRecordsWhenEachKeyWasLastUsed() throws Exception {
    long before = System.currentTimeMillis();
    assertThat(ask(RouterAccessTestResource.STREAM_KEY, question(8, false)).statusCode())
        .isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> number(KeyUse.KEY, "team-q/stream") >= before);
  }

  private static long get(String key) throws Exception {
    return redis.number(key);
  }

  private static long number(String hash, String field) throws Exception {
    return redis.number(hash, field);
  }
}
