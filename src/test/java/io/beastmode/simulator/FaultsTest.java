package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Injected errors and outages, and the /sim endpoints that change them at runtime. */
class FaultsTest extends SimulatorHarness {
  static final String CHAT =
      """
      {"model": "%s", "messages": [{"role": "user", "content": "hello"}]}
      """;
  static final String CONFIG =
      """
      models:
        - name: healthy
        - name: limited
          errorRate: 1.0
          errorStatus: 429
        - name: failing
          errorRate: 1.0
        - name: down
          outage: error
        - name: hanging
          outage: hang
        - name: resetting
          outage: reset
      """;

  @Override
  String config() {
    return CONFIG;
  }

  @Test
  void errorRateOneAnswersEveryRequestWithTheConfiguredStatus() throws Exception {
    var limited = client.chat("limited", "hello");
    var failing = client.chat("failing", "hello");

    assertThat(limited.statusCode()).isEqualTo(429);
    JsonNode rateLimit = json(limited).get("error");
    assertThat(rateLimit.get("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(rateLimit.get("message").asText()).isNotEmpty();
    assertThat(failing.statusCode()).isEqualTo(500);
    assertThat(json(failing).get("error").get("type").asText()).isEqualTo("server_error");
  }

  @Test
  void errorOutageAnswers503WithAnOpenAiError() throws Exception {
    var response = client.chat("down", "hello");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json(response).get("error").get("type").asText()).isEqualTo("server_error");
  }

  @Test
  void hangOutageNeverAnswersSoTheClientTimesOut() {
    String request = CHAT.formatted("hanging");
    var timeout = Duration.ofMillis(300);
    assertThatThrownBy(() -> client.post("/v1/chat/completions", request, timeout))
        .isInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void resetOutageClosesTheConnectionWithoutAnAnswer() {
    assertThatThrownBy(() -> client.chat("resetting", "hello"))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(HttpTimeoutException.class);
  }

  @Test
  void outageSwitchTakesEveryModelDownAndBackAtRuntime() throws Exception {
    assertThat(client.post("/sim/outage?mode=error", "").statusCode()).isEqualTo(200);
    assertThat(client.chat("healthy", "hello").statusCode()).isEqualTo(503);
    assertThat(client.get("/v1/models").statusCode()).isEqualTo(503);
    assertThat(json(client.get("/sim/config")).get("outage").asText()).isEqualTo("error");

    client.post("/sim/outage?mode=reset", "");
    assertThatThrownBy(() -> client.chat("healthy", "hello")).isInstanceOf(IOException.class);

    client.post("/sim/outage?mode=none", "");
    assertThat(client.chat("healthy", "hello").statusCode()).isEqualTo(200);
  }

  @Test
  void outageSwitchRefusesAnUnknownMode() throws Exception {
    var response = client.post("/sim/outage?mode=flaky", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("param").asText()).isEqualTo("mode");
    assertThat(server.simulator().config().outage()).isEqualTo(Outage.none);
  }

  @Test
  void putConfigReplacesTheModelsAtRuntime() throws Exception {
    var replaced =
        client.put(
            "/sim/config",
            """
            {"models": [{"name": "new-model", "answer": "fresh"}]}
            """);

    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(CompletionsTest.content(json(client.chat("new-model", "hello")))).isEqualTo("fresh");
    assertThat(client.chat("healthy", "hello").statusCode()).isEqualTo(404);
    JsonNode config = json(client.get("/sim/config"));
    assertThat(config.get("models").findValuesAsText("name")).containsExactly("new-model");
    assertThat(config.get("models").get(0).get("errorStatus").asInt()).isEqualTo(500);
  }

  @Test
  void putConfigRefusesAnInvalidConfigAndKeepsTheOldOne() throws Exception {
    var response = client.put("/sim/config", "{\"models\": [{\"name\": \"m\", \"errorRate\": 2}]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("error").get("message").asText()).contains("errorRate");
    assertThat(client.chat("healthy", "hello").statusCode()).isEqualTo(200);
  }

  @Test
  void statsCountCompletionRequestsAndThoseNotAnswered() throws Exception {
    client.chat("healthy", "one");
    client.post("/v1/completions", "{\"model\": \"healthy\", \"prompt\": \"two\"}");
    client.chat("failing", "three");
    client.chat("unknown", "four");
    client.post("/v1/chat/completions", "not json");
    client.get("/v1/models");

    JsonNode stats = client.stats();
    assertThat(stats.get("requests").asLong()).isEqualTo(5);
    assertThat(stats.get("errors").asLong()).isEqualTo(3);
    assertThat(server.simulator().requests()).isEqualTo(5);
  }
}
