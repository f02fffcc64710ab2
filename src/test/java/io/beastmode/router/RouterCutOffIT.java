package io.beastmode.router;

import static io.beastmode.router.RouterChecks.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.SelectionCandidate;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.testing.RedisCommands;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.LearnedSelectionKeys;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A client that closes a streamed answer before its end rates it bad, in every dialect, over real
 * HTTP against slow simulated streams; a client that reads to the end and then closes rates
 * nothing; a stream the upstream breaks off is the model's failure, not a cut-off. And what the
 * router's heartbeat says of the policy in force, which the operator puts in the LLMRouter's
 * status.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterPolicyTestResource.class, restrictToAnnotatedClass = true)
class RouterCutOffIT extends RouterHarness {
  private static final String OUTCOMES = "beastmode_router_selection_outcomes_total";

  /** What a raw HTTP client saw of one streamed answer. */
  private record Seen(String id, String model, String body) {}

  @Test
  void aStreamTheClientCutsOffIsABadOutcomeInEveryDialectAndOneReadToTheEndIsNone()
      throws Exception {
    // 200 words at 100 a second: two seconds a stream, long enough to leave in the middle.
    String words = "word ".repeat(200);
    RouterTestResource.openai
        .simulator()
        .configure(
            new SimulatorConfig(
                List.of(
                    new SimulatedModel("gpt-4o", words, 1, 1, 100, 0, 500, Outage.none),
                    new SimulatedModel("gpt-4o-mini", words, 1, 1, 100, 0, 500, Outage.none)),
                Outage.none));
    router.reconfigure(RouterLearnedIT.learnedConfig());
    double before = router.metric(OUTCOMES, "source=\"cutoff\"");
    List<String> earlier = outcomesFrom("cutoff");

    Seen whole = stream("/v1/chat/completions", chat("read it all " + unique()), true);
    assertThat(whole.body()).contains("[DONE]");

    List<Seen> cut = new ArrayList<>();
    cut.add(stream("/v1/chat/completions", chat("leave early " + unique()), false));
    cut.add(stream("/v1/responses", responses("leave early " + unique()), false));
    cut.add(stream("/v1/messages", messages("leave early " + unique()), false));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> router.metric(OUTCOMES, "source=\"cutoff\"") >= before + cut.size());

    assertThat(added(earlier, outcomesFrom("cutoff")))
        .as("the answering model's outcome of each cut-off answer, for the policies' estimates")
        .containsExactlyInAnyOrderElementsOf(cut.stream().map(s -> s.model() + "=0.0").toList());
    for (Seen seen : cut) {
      assertThat(seen.id()).as("a learned decision").isNotNull();
      // Counted as if rated down: the decision takes no other rating.
      assertThat(rate(seen.id()).statusCode()).isEqualTo(404);
    }
    assertThat(router.metric(OUTCOMES, "source=\"cutoff\"")).isEqualTo(before + cut.size());
    // The answer read to its end was not counted: its decision still takes a rating.
    assertThat(rate(whole.id()).statusCode()).isEqualTo(200);
    assertThat(router.metric(OUTCOMES, "source=\"feedback\"")).isPositive();

    // The heartbeat carries the policy in force and what it rests on, for the LLMRouter's status.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              JsonNode selection = heartbeat().path("selection");
              assertThat(selection.path("inForce").asText()).isEqualTo("learned");
              assertThat(selection.path("outcomes").asLong()).isGreaterThan(cut.size());
              assertThat(selection.path("decisions").asLong()).isGreaterThan(cut.size());
              assertThat(selection.path("strongShare").path("estimate").isNumber()).isTrue();
            });
  }

  @Test
  void aStreamTheUpstreamBreaksOffIsTheModelsFailureNotACutOff() throws Exception {
    RouterTestResource.openai
        .simulator()
        .configure(
            SimulatorConfig.read(
                """
                models:
                  - name: gpt-4o
                    answer: one two three four five six seven eight
                    failAfterEvents: 3
                  - name: gpt-4o-mini
                    answer: one two three four five six seven eight
                    failAfterEvents: 3
                """));
    router.reconfigure(RouterLearnedIT.learnedConfig());
    double failures = router.metric(OUTCOMES, "source=\"failure\"");
    double cutOffs = router.metric(OUTCOMES, "source=\"cutoff\"");
    List<String> earlier = outcomesFrom("failure");

    Seen broken = stream("/v1/chat/completions", chat("break it off " + unique()), true);
    assertThat(broken.body()).doesNotContain("[DONE]");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> router.metric(OUTCOMES, "source=\"failure\"") > failures);

    assertThat(added(earlier, outcomesFrom("failure"))).containsExactly(broken.model() + "=0.0");
    assertThat(rate(broken.id()).statusCode()).isEqualTo(404);
    assertThat(router.metric(OUTCOMES, "source=\"cutoff\""))
        .as("the router ended the stream, not the client")
        .isEqualTo(cutOffs);
  }

  @Test
  void theHeartbeatSaysWhichPolicyIsInForceSinceWhenAndHowOftenItChanged() throws Exception {
    router.reconfigure(RouterLearnedIT.learnedConfig());
    JsonNode first = awaitInForce("learned");

    RoutingConfig lengthOnly = RouterLearnedIT.learnedConfig();
    lengthOnly.selection().candidatePolicies = List.of(SelectionCandidate.length);
    router.reconfigure(lengthOnly);

    JsonNode then = awaitInForce("length");
    assertThat(then.path("switches").asLong()).isEqualTo(first.path("switches").asLong() + 1);
    assertThat(then.path("inForceSince").asLong())
        .isGreaterThanOrEqualTo(first.path("inForceSince").asLong());
    assertThat(then.path("explorationShare").asDouble()).isZero();
  }

  private static JsonNode awaitInForce(String policy) {
    JsonNode[] seen = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              seen[0] = heartbeat().path("selection");
              assertThat(seen[0].path("inForce").asText()).isEqualTo(policy);
            });
    return seen[0];
  }

  private static List<String> added(List<String> before, List<String> after) {
    assertThat(after.subList(0, before.size())).isEqualTo(before);
    return after.subList(before.size(), after.size());
  }

  private static JsonNode heartbeat() throws Exception {
    try (RedisCommands redis = RedisCommands.to(RouterTestResource.redis.url())) {
      Response beat =
          redis.send(
              "GET",
              Heartbeat.key(RouterLearnedIT.learnedConfig().router(), "eu-west", "router-test-0"));
      assertThat(beat).as("the router's heartbeat").isNotNull();
      return RouterClient.JSON.readTree(beat.toString());
    }
  }

  /**
   * The outcomes of {@code source} in the examples stream that carry the candidate policies'
   * actions, oldest first, each as model=outcome.
   */
  private static List<String> outcomesFrom(String source) throws Exception {
    List<String> found = new ArrayList<>();
    try (RedisCommands redis = RedisCommands.to(RouterTestResource.redis.url())) {
      Response entries =
          redis.send(
              "XRANGE",
              LearnedSelectionKeys.examples(RouterLearnedIT.learnedConfig().router()),
              "-",
              "+");
      for (Response entry : entries) {
        Map<String, String> fields = new HashMap<>();
        Response pairs = entry.get(1);
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
          fields.put(pairs.get(i).toString(), pairs.get(i + 1).toString());
        }
        if (source.equals(fields.get(LearnedSelectionKeys.SOURCE))
            && fields.containsKey(LearnedSelectionKeys.POLICY_ACTIONS)) {
          fields.forEach(
              (name, value) -> {
                if (name.startsWith(LearnedSelectionKeys.OUTCOME)) {
                  found.add(name.substring(LearnedSelectionKeys.OUTCOME.length()) + "=" + value);
                }
              });
        }
      }
    }
    return found;
  }

  private java.net.http.HttpResponse<String> rate(String id) {
    return router.post("/v1/feedback", "{\"id\":\"" + id + "\",\"rating\":\"up\"}");
  }

  /**
   * POSTs a streamed request on its own connection and reads its answer to the end, or only its
   * headers and first event; then closes the connection.
   */
  private Seen stream(String path, String body, boolean toTheEnd) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(60_000); // the first request loads the encoder: slow on a busy machine
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\n"
                  + "anthropic-version: 2023-06-01\r\nConnection: close\r\nContent-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      String text;
      if (toTheEnd) {
        var all = new java.io.ByteArrayOutputStream();
        try {
          in.transferTo(all);
        } catch (java.net.SocketException reset) {
          // A stream the router broke off ends with the connection reset.
        }
        text = all.toString(StandardCharsets.UTF_8);
      } else {
        StringBuilder read = new StringBuilder();
        int headersEnd = -1;
        while (headersEnd < 0 || read.indexOf("data:", headersEnd) < 0) {
          int next = in.read();
          assertThat(next).as("the stream ended before its first event: " + read).isNotNegative();
          read.append((char) next);
          if (headersEnd < 0) {
            int at = read.indexOf("\r\n\r\n");
            headersEnd = at < 0 ? -1 : at + 4;
          }
        }
        text = read.toString();
      }
      assertThat(text).as(path).startsWith("HTTP/1.1 200");
      int headersEnd = text.indexOf("\r\n\r\n");
      return new Seen(
          header(text.substring(0, headersEnd), "x-beastmode-request-id"),
          header(text.substring(0, headersEnd), "x-beastmode-model"),
          text.substring(headersEnd + 4));
    }
  }

  private static String header(String headers, String name) {
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static String chat(String prompt) {
    return "{\"model\":\"auto\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt
        + "\"}]}";
  }

  private static String responses(String prompt) {
    return "{\"model\":\"auto\",\"stream\":true,\"input\":\"" + prompt + "\"}";
  }

  private static String messages(String prompt) {
    return "{\"model\":\"auto\",\"max_tokens\":1024,\"stream\":true,"
        + "\"messages\":[{\"role\":\"user\",\"content\":\""
        + prompt
        + "\"}]}";
  }
}
