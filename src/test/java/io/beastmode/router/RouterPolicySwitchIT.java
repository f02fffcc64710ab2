package io.beastmode.router;

import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.SelectionCandidate;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A router whose learned policy is wrong for its traffic moves to the length rule on live feedback,
 * over real HTTP: the uploaded examples teach it that short questions are hard for gpt-4o-mini and
 * long ones easy, while the client's ratings say the opposite.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterPolicyTestResource.class, restrictToAnnotatedClass = true)
class RouterPolicySwitchIT extends RouterHarness {
  private static final String MINI = "gpt-4o-mini";
  private static final String TENANT = "team-a";
  private static final String GPT_4O = "gpt-4o";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String PREAMBLE =
      "Here is some background that the question does not depend on at all. ".repeat(12);

  private static String question(int n, boolean longOne) {
    return (longOne ? PREAMBLE : "") + "Question " + n + ": name a colour of the rainbow.";
  }

  private static RoutingConfig config(double exploration) {
    RoutingConfig config = RouterLearnedIT.learnedConfig();
    config.selection().candidatePolicies =
        List.of(SelectionCandidate.learned, SelectionCandidate.length);
    config.selection().explorationShare = exploration;
    return config;
  }

  @Test
  void aLearnedPolicyWorseThanLengthIsReplacedByLengthOnLiveFeedback() throws Exception {
    router.reconfigure(config(0.5));
    StringBuilder csv = new StringBuilder("prompt," + MINI + "," + GPT_4O + "\n");
    for (int i = 0; i < 300; i++) {
      csv.append('"').append(question(10_000 + i, false)).append("\",False,True\n");
      csv.append('"').append(question(20_000 + i, true)).append("\",True,True\n");
    }
    HttpResponse<String> loaded = upload(csv.toString());
    assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> router.metric("beastmode_router_learned_examples") >= 600);
    assertThat(policy().path("inForce").asText()).isEqualTo("learned");

    // The truth: long questions need gpt-4o, gpt-4o-mini answers short ones well.
    int rated = 0;
    while (rated < 600 && !policy().path("inForce").asText().equals("length")) {
      for (int i = 0; i < 10; i++, rated++) {
        boolean longOne = rated % 2 == 1;
        HttpResponse<String> answer = ask(question(rated, longOne));
        boolean good = !(longOne && model(answer).equals(MINI));
        rate(header(answer, "x-beastmode-request-id"), good);
      }
      awaitOutcomes(rated);
    }

    JsonNode status = policy();
    assertThat(status.path("inForce").asText())
        .as("after %d ratings: %s", rated, status)
        .isEqualTo("length");
    assertThat(status.at("/candidates/length/pgr/estimate").asDouble())
        .isGreaterThan(status.at("/candidates/learned/pgr/estimate").asDouble());
    assertThat(router.metric("beastmode_router_selection_policy_in_force", "policy=\"length\""))
        .isEqualTo(1);
    // The 600 examples gave the router its prompt clusters, and every question came from one
    // tenant, whose outcomes came back through the ratings with it; each group follows the
    // router's policy (or its own, which the ratings can only make length too).
    JsonNode groups = status.path("groups");
    int clusters = 0;
    JsonNode tenant = null;
    for (JsonNode group : groups) {
      assertThat(group.path("inForce").asText()).as("%s", group).isEqualTo("length");
      if (group.path("kind").asText().equals("cluster")) {
        clusters++;
      } else {
        tenant = group;
      }
    }
    assertThat(clusters).as("%s", status).isPositive();
    assertThat(tenant).as("%s", status).isNotNull();
    assertThat(tenant.path("name").asText()).isEqualTo(TENANT);
    assertThat(tenant.path("outcomes").asInt()).isEqualTo(status.path("outcomes").asInt());
    assertThat(
            router.metric(
                "beastmode_router_selection_cluster_policy_in_force", "policy=\"length\""))
        .isEqualTo(clusters);
    assertThat(router.metric("beastmode_router_selection_tenants_tracked")).isEqualTo(1);

    // Without exploration the router now follows length alone.
    router.reconfigure(config(0));
    HttpResponse<String> longAnswer = ask(question(90_001, true));
    HttpResponse<String> shortAnswer = ask(question(90_002, false));
    assertThat(model(longAnswer)).isEqualTo(GPT_4O);
    assertThat(model(shortAnswer)).isEqualTo(MINI);
    assertThat(header(longAnswer, "x-beastmode-decision")).contains("gpt-4o=chosen(length strong");
  }

  /** The decision is kept just after the answer is sent: a rating may have to wait for it. */
  private void rate(String id, boolean good) {
    String body = "{\"id\":\"" + id + "\",\"rating\":\"" + (good ? "up" : "down") + "\"}";
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> router.post("/v1/feedback", body).statusCode() == 200);
  }

  private void awaitOutcomes(int count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> policy().path("outcomes").asInt() >= count);
  }

  private JsonNode policy() throws Exception {
    URI uri = URI.create(management.toString()).resolve("/selection/policy");
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json(response);
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
        router.post(
            "/v1/chat/completions",
            chat("auto", prompt),
            "x-beastmode-debug",
            "1",
            "x-beastmode-tenant",
            TENANT);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response;
  }

  private static String model(HttpResponse<String> response) {
    return header(response, "x-beastmode-model");
  }
}
