package io.beastmode.router;

import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.CacheMode;
import io.beastmode.api.v1alpha1.SelectionCandidate;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.router.learning.LearnedSelection;
import io.beastmode.router.select.learned.EncoderPool;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.testing.RedisCommands;
import io.beastmode.wire.LearnedSelectionKeys;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The learned policy over real HTTP: a router in front of the simulator with two models (the cheap
 * gpt-4o-mini and the dear gpt-4o), labelled prompts uploaded to its management port, feedback by
 * request id, and the learned state in a real redis-server shared with a second learner.
 *
 * <p>The labelled prompts say gpt-4o-mini fails calculus and gets geography right, gpt-4o gets both
 * right. The tests run in order: the examples are loaded once, then decided on.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterLearnedTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterLearnedIT extends RouterHarness {
  private static final String MINI = "gpt-4o-mini";
  private static final String GPT_4O = "gpt-4o";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  static final List<String> CALCULUS =
      List.of(
          "Compute the integral of x^3 sin(x) from 0 to pi.",
          "Find the derivative of ln(x^2 + 1) / (x - 3).",
          "Evaluate the limit of (1 + 2/n)^n as n goes to infinity.",
          "Solve the differential equation y'' + 4y = cos(2x).",
          "Find the Taylor series of e^x cos(x) around 0 up to x^5.",
          "Compute the double integral of x y over the unit disc.",
          "Find the radius of convergence of the series sum n! x^n / n^n.",
          "Integrate 1 / (x^2 - 5x + 6) with respect to x.",
          "Find the critical points of f(x, y) = x^3 - 3xy + y^3.",
          "Compute the arc length of y = x^(3/2) from 0 to 4.");

  static final List<String> GEOGRAPHY =
      List.of(
          "What is the capital city of France?",
          "Which river flows through Cairo?",
          "On which continent is Kenya?",
          "What is the largest ocean on Earth?",
          "Which country has the city of Kyoto?",
          "What mountain range separates Europe and Asia?",
          "What is the capital of Canada?",
          "Which desert covers much of northern Africa?",
          "Which country is Lisbon the capital of?",
          "What is the longest river in South America?");

  @BeforeEach
  void learnedPolicy() {
    RouterTestResource.openai.simulator().configure(RouterTestResource.openaiModels());
    router.reconfigure(learnedConfig());
  }

  static RoutingConfig learnedConfig() {
    RoutingConfig base = RouterTestResource.baseline();
    base.selection().policy = SelectionPolicy.learned;
    base.selection().qualityFloor = 0;
    base.selection().learnedThreshold = 0.7;
    // The threshold rule alone, never explored: these tests are about the predictor.
    base.selection().candidatePolicies = List.of(SelectionCandidate.learned);
    base.selection().explorationShare = 0;
    base.cache().mode = CacheMode.off;
    base.fallback().chain = List.of();
    return new RoutingConfig(
        base.router(),
        base.region(),
        base.models().stream().filter(m -> m.pool().equals("openai")).toList(),
        base.selection(),
        base.cache(),
        base.fallback(),
        base.circuitBreaker(),
        base.limits());
  }

  static String csv() {
    StringBuilder csv = new StringBuilder("prompt," + MINI + "," + GPT_4O + "\n");
    CALCULUS.forEach(p -> csv.append('"').append(p).append("\",False,True\n"));
    GEOGRAPHY.forEach(p -> csv.append('"').append(p).append("\",True,True\n"));
    return csv.toString();
  }

  private HttpResponse<String> upload(String csv) throws Exception {
    URI examples = URI.create(management.toString()).resolve("/selection/examples");
    return HTTP.send(
        HttpRequest.newBuilder(examples)
            .header("content-type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> ask(String prompt) {
    HttpResponse<String> response =
        router.post("/v1/chat/completions", chat("auto", prompt), "x-beastmode-debug", "1");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  @Test
  @Order(1)
  void aDatasetNamingAModelTheRouterDoesNotHaveOrWithABrokenRowIsRejected() throws Exception {
    HttpResponse<String> unknown = upload("prompt,gpt-4o-mini,claude-9\n\"q\",True,False\n");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body())
        .contains("names models this router does not have: [claude-9]")
        .contains("gpt-4o-mini");

    HttpResponse<String> broken = upload("prompt,gpt-4o-mini,gpt-4o\n\"q\",True,Perhaps\n");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body())
        .contains("line 2: gpt-4o is 'Perhaps', expected True, False or empty");
  }

  @Test
  @Order(2)
  void theRouterChoosesByPredictionOnceItLearnedFromLabelledPrompts() throws Exception {
    HttpResponse<String> loaded = upload(csv());
    assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
    assertThat(json(loaded).path("added").asInt()).isEqualTo(20);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> model(ask("Compute the integral of x^2 cos(x) from 0 to pi/2.")).equals(GPT_4O));
    HttpResponse<String> calculus = ask("Find the derivative of x^3 e^(2x).");
    HttpResponse<String> geography = ask("What is the capital city of Italy?");

    assertThat(model(calculus)).isEqualTo(GPT_4O);
    assertThat(model(geography)).isEqualTo(MINI);
    assertThat(header(geography, "x-beastmode-decision"))
        .startsWith("policy=learned")
        .containsPattern("gpt-4o-mini=chosen\\(learned cheap, chance 0\\.\\d+ >= threshold 0\\.7")
        .containsPattern("gpt-4o=fallback\\(attempt 2, chance 0\\.\\d+ >= threshold 0\\.7");
    assertThat(header(calculus, "x-beastmode-decision"))
        .containsPattern("gpt-4o-mini=fallback\\(attempt 2, chance 0\\.\\d+ < threshold 0\\.7");
    assertThat(header(geography, "x-beastmode-request-id")).isNotBlank();
  }

  @Test
  @Order(3)
  void feedbackOnAnswersChangesALaterDecision() throws Exception {
    String question = "Which country has the city of Marrakesh, and what is its capital?";
    assertThat(model(ask(question))).isEqualTo(MINI);

    int downVotes = 0;
    HttpResponse<String> answer = ask(question);
    while (model(answer).equals(MINI) && downVotes < 40) {
      String id = header(answer, "x-beastmode-request-id");
      HttpResponse<String> feedback =
          router.post("/v1/feedback", "{\"id\":\"" + id + "\",\"rating\":\"down\"}");
      assertThat(feedback.statusCode()).as(feedback.body()).isEqualTo(200);
      assertThat(json(feedback).path("model").asText()).isEqualTo(MINI);
      downVotes++;
      awaitLearned(learnedInRedis());
      answer = ask(question);
    }

    assertThat(model(answer)).as("after %d down votes", downVotes).isEqualTo(GPT_4O);
    assertThat(downVotes).isPositive();
  }

  @Test
  @Order(4)
  void feedbackOnAnUnknownRequestOrWithoutAnOutcomeIsRefused() {
    HttpResponse<String> unknown =
        router.post("/v1/feedback", "{\"id\":\"no-such-request\",\"score\":1}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).at("/error/code").asText()).isEqualTo("decision_not_found");

    String id = header(ask("What is the capital of Peru?"), "x-beastmode-request-id");
    HttpResponse<String> noOutcome = router.post("/v1/feedback", "{\"id\":\"" + id + "\"}");
    assertThat(noOutcome.statusCode()).isEqualTo(400);
    HttpResponse<String> outOfRange =
        router.post("/v1/feedback", "{\"id\":\"" + id + "\",\"score\":3}");
    assertThat(json(outOfRange).at("/error/param").asText()).isEqualTo("score");

    assertThat(router.post("/v1/feedback", "{\"id\":\"" + id + "\",\"score\":1}").statusCode())
        .isEqualTo(200);
    // A decision takes one rating.
    assertThat(router.post("/v1/feedback", "{\"id\":\"" + id + "\",\"score\":1}").statusCode())
        .isEqualTo(404);
  }

  @Test
  @Order(5)
  void anUpstreamErrorCountsAsAFailureOfThatModelForThatPrompt() throws Exception {
    long before = learnedInRedis();
    RouterTestResource.openai
        .simulator()
        .configure(
            new SimulatorConfig(
                List.of(
                    SimulatedModel.echo(GPT_4O, 5),
                    new SimulatedModel(MINI, null, 1, 0, 0, 0, 500, Outage.error)),
                Outage.none));

    HttpResponse<String> answer = ask("What is the capital city of Spain?");

    assertThat(model(answer)).isEqualTo(GPT_4O);
    try (RedisCommands redis = RedisCommands.to(RouterTestResource.redis.url())) {
      await().atMost(Duration.ofSeconds(10)).until(() -> learnedInRedis() > before);
      var last =
          redis.send(
              "XREVRANGE",
              LearnedSelectionKeys.examples(learnedConfig().router()),
              "+",
              "-",
              "COUNT",
              "1");
      assertThat(last.get(0).get(1).toString()).contains("failure").contains("o:" + MINI);
    }
  }

  @Test
  @Order(6)
  void theLearnedStateIsSharedThroughRedisAndOutlivesARestart() throws Exception {
    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, RouterTestResource.redis.url());
    try {
      long stored = learnedInRedis();
      // A second router of the region, then the same router started again: both read the stream.
      for (int start = 0; start < 2; start++) {
        EncoderPool encoders = new EncoderPool();
        LearnedSelection other =
            new LearnedSelection(vertx, redis, learnedConfig().router(), Duration.ZERO, encoders);
        try {
          other.start(100);
          await().atMost(Duration.ofSeconds(30)).until(() -> other.examplesLearned() == stored);
          Map<String, Double> calculus =
              other
                  .predict("Evaluate the integral of 1/(1+x^2) from 0 to 1.")
                  .toCompletableFuture()
                  .get()
                  .chances();
          assertThat(calculus.get(MINI)).isLessThan(0.7);
          assertThat(calculus.get(GPT_4O)).isGreaterThan(0.7);
        } finally {
          other.stop();
          encoders.stop();
        }
      }
    } finally {
      redis.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  @Test
  @Order(7)
  void aLargeFileIsStoredWhole() throws Exception {
    long before = learnedInRedis();
    StringBuilder csv = new StringBuilder("prompt," + MINI + "," + GPT_4O + "\n");
    for (int i = 0; i < 2600; i++) {
      csv.append("question ").append(i).append(",True,\n");
    }

    HttpResponse<String> loaded = upload(csv.toString());

    assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
    assertThat(json(loaded).path("added").asInt()).isEqualTo(2600);
    assertThat(learnedInRedis()).isEqualTo(before + 2600);
  }

  private static String model(HttpResponse<String> response) {
    return header(response, "x-beastmode-model");
  }

  private static long learnedInRedis() throws Exception {
    try (RedisCommands redis = RedisCommands.to(RouterTestResource.redis.url())) {
      return redis.send("XLEN", LearnedSelectionKeys.examples(learnedConfig().router())).toLong();
    }
  }

  /** Waits until the router's learner has read {@code count} examples. */
  private void awaitLearned(long count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> router.metric("beastmode_router_learned_examples") >= count);
  }
}
