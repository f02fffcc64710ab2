package io.beastmode.router;

import static io.beastmode.router.RouterAccessTestResource.ACME_KEY;
import static io.beastmode.router.RouterAccessTestResource.CLIENT_LIMITED_KEY;
import static io.beastmode.router.RouterAccessTestResource.CLIENT_SPENT_KEY;
import static io.beastmode.router.RouterAccessTestResource.EXPIRED_KEY;
import static io.beastmode.router.RouterAccessTestResource.GLOBEX_KEY;
import static io.beastmode.router.RouterAccessTestResource.NARROW_KEY;
import static io.beastmode.router.RouterAccessTestResource.TEMPORARY_KEY;
import static io.beastmode.router.RouterChecks.header;
import static io.beastmode.router.RouterChecks.unique;
import static io.beastmode.router.RouterClient.chat;
import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.RouterAccessTestResource.Seen;
import io.beastmode.testing.PythonClient;
import io.beastmode.wire.ConfigYaml;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys on a router over real HTTP: who is admitted, what a refusal looks like, which models a
 * key opens, that the key decides the cache tenant, that keys reach peer regions and never the
 * models, and that the keys file is followed as it changes.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterAccessTestResource.class, restrictToAnnotatedClass = true)
class RouterAccessIT {
  private static final String CHAT = "/v1/chat/completions";

  /**
   * The official OpenAI Python client (provisioned by make test) against this router: each answer
   * and refusal parses into the exception class and fields its users handle.
   */
  @Test
  void theOpenAiPythonClientSeesEachRefusalAsTheErrorItKnows() throws Exception {
    Path python =
        Path.of(
            System.getProperty("user.home"),
            ".kubeapitest",
            "tools",
            "openai-python",
            "bin",
            "python");
    assertThat(python).as("run make tools: it installs the OpenAI Python client").exists();
    Path script = Path.of("src", "test", "resources", "openai", "client_sees.py");
    Process client =
        new ProcessBuilder(
                python.toString(),
                script.toString(),
                url + "v1",
                ACME_KEY,
                NARROW_KEY,
                CLIENT_LIMITED_KEY,
                CLIENT_SPENT_KEY)
            .redirectErrorStream(true)
            .start();
    String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(client.exitValue()).as(output).isZero();
    var cases = new java.util.HashMap<String, JsonNode>();
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : output.lines().toList()) {
      JsonNode seen = mapper.readTree(line);
      cases.put(seen.path("case").asText(), seen);
    }

    assertThat(cases.get("answered").path("outcome").asText()).isEqualTo("ok");
    assertThat(cases.get("answered").path("result").path("total_tokens").asInt()).isPositive();
    assertThat(cases.get("streamed").path("result").path("text").asText()).isNotEmpty();
    assertRefusal(cases.get("wrong key"), "AuthenticationError", 401, "invalid_api_key");
    assertRefusal(
        cases.get("model not allowed"), "PermissionDeniedError", 403, "model_not_allowed");
    var limited = cases.get("rate limited");
    assertRefusal(limited, "RateLimitError", 429, "rate_limit_exceeded");
    assertThat(limited.path("limit_requests").asText()).isEqualTo("2");
    assertThat(limited.path("remaining_requests").asText()).isEqualTo("0");
    assertThat(limited.path("retry_after").asInt()).isBetween(1, 60);
    var spent = cases.get("budget spent");
    assertRefusal(spent, "RateLimitError", 429, "insufficient_quota");
    assertThat(spent.path("type").asText()).isEqualTo("insufficient_quota");
    assertThat(spent.path("retry_after").asInt()).isPositive();
    assertRefusal(cases.get("too large"), "APIStatusError", 413, "request_too_large");
  }

  /**
   * Anthropic's Python SDK against the same keyed router on /v1/messages: every refusal is the
   * exception class the SDK raises for Anthropic's own, with Anthropic's error type.
   */
  @Test
  void theAnthropicSdkSeesEachRefusalAsTheErrorItKnows() throws Exception {
    Map<String, JsonNode> cases =
        PythonClient.run(
            "anthropic-python",
            "src/test/resources/anthropic/client_sees.py",
            url.toString().replaceAll("/$", ""),
            ACME_KEY,
            NARROW_KEY,
            CLIENT_LIMITED_KEY,
            CLIENT_SPENT_KEY);

    assertThat(cases.get("answered").path("outcome").asText())
        .as(cases.get("answered").toString())
        .isEqualTo("ok");
    assertThat(cases.get("answered").at("/result/input_tokens").asInt()).isPositive();
    assertAnthropicRefusal(
        cases.get("wrong key"), "AuthenticationError", 401, "authentication_error");
    assertAnthropicRefusal(
        cases.get("model not allowed"), "PermissionDeniedError", 403, "permission_error");
    assertAnthropicRefusal(cases.get("unknown model"), "NotFoundError", 404, "not_found_error");
    assertAnthropicRefusal(cases.get("rate limited"), "RateLimitError", 429, "rate_limit_error");
    assertThat(cases.get("rate limited").path("retry_after").asInt()).isBetween(1, 60);
    assertAnthropicRefusal(cases.get("budget spent"), "RateLimitError", 429, "rate_limit_error");
    assertAnthropicRefusal(
        cases.get("too large"), "ContentTooLargeError", 413, "request_too_large");
  }

  private static void assertAnthropicRefusal(
      JsonNode seen, String exception, int status, String type) {
    assertThat(seen.path("outcome").asText()).as(seen.toString()).isEqualTo(exception);
    assertThat(seen.path("status").asInt()).isEqualTo(status);
    assertThat(seen.path("type").asText()).isEqualTo(type);
  }

  private static void assertRefusal(JsonNode seen, String exception, int status, String code) {
    assertThat(seen.path("outcome").asText()).as(seen.toString()).isEqualTo(exception);
    assertThat(seen.path("status").asInt()).isEqualTo(status);
    assertThat(seen.path("code").asText()).isEqualTo(code);
    assertThat(seen.path("message").asText()).isNotBlank();
  }

  @TestHTTPResource("/")
  URL url;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  RouterClient router;

  @BeforeEach
  void baseline() throws Exception {
    router = new RouterClient(url.toString(), management.toString());
    String keys = ConfigYaml.write(RouterAccessTestResource.keys());
    if (!Files.readString(RouterAccessTestResource.keysFile).equals(keys)) {
      double applied = reloads("applied");
      RouterAccessTestResource.writeKeys(keys);
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> reloads("applied") > applied);
    }
  }

  private double reloads(String result) {
    return router.metric("beastmode_router_config_reloads_total", "result=\"" + result + "\"");
  }

  private HttpResponse<String> ask(String model, String... headers) {
    return router.post(CHAT, chat(model, "access " + unique()), headers);
  }

  private static void assertNoKeyIn(HttpResponse<String> response, String key) {
    assertThat(response.body()).doesNotContain(key);
    for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
      assertThat(header.getValue()).noneMatch(value -> value.contains(key));
    }
  }

  @Test
  void withoutAKeyTheAnswerIsOpenAisMissingKey401() {
    HttpResponse<String> response = ask("gpt-4o-mini");

    assertThat(response.statusCode()).isEqualTo(401);
    JsonNode error = json(response).path("error");
    assertThat(error.path("message").asText()).startsWith("You didn't provide an API key");
    assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.path("param").isNull()).isTrue();
    assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
    assertThat(header(response, "content-type")).isEqualTo("application/json");
  }

  @Test
  void aWrongKeyGetsIncorrectApiKey401ThatNeverEchoesIt() {
    String wrong = "sk-wrong-" + unique();
    for (String[] headers :
        List.of(
            new String[] {"authorization", "Bearer " + wrong},
            new String[] {"api-key", wrong},
            new String[] {"x-api-key", wrong})) {
      HttpResponse<String> response = ask("gpt-4o-mini", headers);

      assertThat(response.statusCode()).isEqualTo(401);
      JsonNode error = json(response).path("error");
      assertThat(error.path("message").asText()).startsWith("Incorrect API key provided");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("param").isNull()).isTrue();
      assertThat(error.path("code").asText()).isEqualTo("invalid_api_key");
      assertNoKeyIn(response, wrong);
    }
  }

  @Test
  void theKeyIsCheckedBeforeTheBodyIsRead() {
    HttpResponse<String> response = router.post(CHAT, "{not json", "x-api-key", "sk-nope");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).at("/error/code").asText()).isEqualTo("invalid_api_key");
  }

  @Test
  void bearerApiKeyAndXApiKeyHeadersAreAllAccepted() {
    assertThat(ask("gpt-4o-mini", "Authorization", "Bearer " + ACME_KEY).statusCode())
        .isEqualTo(200);
    assertThat(ask("gpt-4o-mini", "api-key", ACME_KEY).statusCode()).isEqualTo(200);
    HttpResponse<String> response = ask("gpt-4o-mini", "x-api-key", ACME_KEY);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).at("/choices/0/message/content").asText()).startsWith("access");
    assertNoKeyIn(response, ACME_KEY);
  }

  @Test
  void aModelTheKeyDoesNotAllowIs403() {
    assertThat(ask("gpt-4o-mini", "x-api-key", NARROW_KEY).statusCode()).isEqualTo(200);

    for (String model : List.of("gpt-4o", "auto")) {
      HttpResponse<String> response = ask(model, "x-api-key", NARROW_KEY);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
      JsonNode error = json(response).path("error");
      assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(error.path("param").asText()).isEqualTo("model");
      assertThat(error.path("code").asText()).isEqualTo("model_not_allowed");
      assertNoKeyIn(response, NARROW_KEY);
    }
  }

  @Test
  void anExpiredKeyIsRefused() {
    HttpResponse<String> response = ask("gpt-4o-mini", "authorization", "Bearer " + EXPIRED_KEY);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(json(response).at("/error/code").asText()).isEqualTo("invalid_api_key");
    assertThat(ask("gpt-4o-mini", "x-api-key", GLOBEX_KEY).statusCode())
        .as("a notAfter in the future still works")
        .isEqualTo(200);
  }

  @Test
  void theModelListNeedsAKeyAndShowsWhatItAllows() {
    assertThat(router.get("/v1/models").statusCode()).isEqualTo(401);
    assertThat(router.get("/v1/models", "x-api-key", "sk-wrong").statusCode()).isEqualTo(401);

    assertThat(ids(router.get("/v1/models", "authorization", "Bearer " + NARROW_KEY)))
        .containsExactly("gpt-4o-mini");
    assertThat(ids(router.get("/v1/models", "api-key", ACME_KEY)))
        .containsExactlyInAnyOrder(
            "gpt-4o", "gpt-4o-mini", "gpt-4o-slow", "recorded", "broken", "auto");
  }

  private static List<String> ids(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    json(response).path("data").forEach(model -> ids.add(model.path("id").asText()));
    return ids;
  }

  @Test
  void theKeyDecidesTheTenantAndTheTenantHeaderIsIgnored() {
    String body = chat("gpt-4o-mini", "tenant secret " + unique());

    HttpResponse<String> acme =
        router.post(CHAT, body, "x-api-key", ACME_KEY, "x-beastmode-tenant", "acme");
    assertThat(header(acme, "x-beastmode-cache")).isEqualTo("miss");
    router.untilHit(body, "x-api-key", ACME_KEY, "x-beastmode-tenant", "acme");

    HttpResponse<String> globex =
        router.post(CHAT, body, "x-api-key", GLOBEX_KEY, "x-beastmode-tenant", "acme");
    assertThat(globex.statusCode()).isEqualTo(200);
    assertThat(header(globex, "x-beastmode-cache"))
        .as("globex naming acme's tenant does not get acme's answer")
        .isEqualTo("miss");
    HttpResponse<String> again =
        router.untilHit(body, "x-api-key", GLOBEX_KEY, "x-beastmode-tenant", "acme");
    assertThat(header(again, "x-beastmode-cache")).isEqualTo("hit");

    HttpResponse<String> otherKeySameTenant =
        router.post(CHAT, body, "authorization", "Bearer " + TEMPORARY_KEY);
    assertThat(header(otherKeySameTenant, "x-beastmode-cache"))
        .as("another key of tenant acme shares acme's entries")
        .isEqualTo("hit");
  }

  @Test
  void theModelsNeverSeeTheCallersKey() {
    int before = RouterAccessTestResource.seen.size();

    HttpResponse<String> response =
        ask("recorded", "authorization", "Bearer " + ACME_KEY, "x-api-key", ACME_KEY);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Seen> calls =
        RouterAccessTestResource.seen.subList(before, RouterAccessTestResource.seen.size());
    assertThat(calls).isNotEmpty();
    for (Seen call : calls) {
      assertThat(call.headers().names())
          .doesNotContain("authorization", "Authorization", "api-key", "x-api-key");
      call.headers().forEach(h -> assertThat(h.getValue()).doesNotContain(ACME_KEY));
    }
  }

  @Test
  void aPeerRegionGetsTheCallersKeyHeaderAndNothingElseOfIt() {
    int before = RouterAccessTestResource.seen.size();

    HttpResponse<String> response =
        ask("broken", "api-key", ACME_KEY, "x-beastmode-tenant", "globex");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).at("/choices/0/message/content").asText())
        .isEqualTo(RouterAccessTestResource.RECORDED_ANSWER);
    List<Seen> calls =
        new ArrayList<>(
            RouterAccessTestResource.seen.subList(before, RouterAccessTestResource.seen.size()));
    List<Seen> toPeer = calls.stream().filter(c -> c.path().startsWith("/peer/")).toList();
    List<Seen> toModel = calls.stream().filter(c -> c.path().startsWith("/down/")).toList();
    assertThat(toPeer).hasSize(1);
    assertThat(toModel).isNotEmpty();
    Seen peer = toPeer.get(0);
    assertThat(peer.headers().get("api-key")).isEqualTo(ACME_KEY);
    assertThat(peer.headers().get("x-beastmode-forwarded-from")).isEqualTo("eu-west");
    assertThat(peer.headers().contains("authorization")).isFalse();
    assertThat(peer.headers().contains("x-api-key")).isFalse();
    assertThat(peer.headers().contains("x-beastmode-tenant"))
        .as("with keys the tenant comes from the key, at the peer too")
        .isFalse();
    for (Seen call : toModel) {
      call.headers().forEach(h -> assertThat(h.getValue()).doesNotContain(ACME_KEY));
    }
  }

  @Test
  void aRequestForwardedFromAPeerStillNeedsAKey() {
    HttpResponse<String> response = ask("gpt-4o-mini", "x-beastmode-forwarded-from", "us-east");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(
            ask("gpt-4o-mini", "x-beastmode-forwarded-from", "us-east", "x-api-key", ACME_KEY)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aKeyDroppedFromTheFileIsRefusedWithinSeconds() {
    assertThat(ask("gpt-4o-mini", "x-api-key", TEMPORARY_KEY).statusCode()).isEqualTo(200);

    var keys = RouterAccessTestResource.keys();
    var remaining =
        keys.keys().stream().filter(k -> !k.apiKey().equals("team-a/temporary")).toList();
    RouterAccessTestResource.writeKeys(
        ConfigYaml.write(new io.beastmode.wire.AccessConfig(keys.mode(), remaining)));

    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ask("gpt-4o-mini", "x-api-key", TEMPORARY_KEY).statusCode() == 401);
    assertThat(ask("gpt-4o-mini", "x-api-key", ACME_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void aKeysFileThatDoesNotParseKeepsTheLastGoodOne() {
    double rejected = reloads("rejected");

    RouterAccessTestResource.writeKeys("mode: [keys\nkeys: {{{\n");

    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> reloads("rejected") > rejected);
    assertThat(ask("gpt-4o-mini", "x-api-key", ACME_KEY).statusCode()).isEqualTo(200);
    assertThat(ask("gpt-4o-mini", "x-api-key", "sk-wrong").statusCode()).isEqualTo(401);
  }
}
