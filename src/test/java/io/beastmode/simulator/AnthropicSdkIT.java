package io.beastmode.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.testing.PythonClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Python SDK (the version .ci/provision-tools.sh pins) pointed straight at
 * the simulator's Anthropic mode: it must parse every answer, stream and error as it parses
 * Anthropic's own, before any router is tested against the simulator.
 */
class AnthropicSdkIT extends SimulatorHarness {
  static final String KEY = "sk-ant-simulated";

  /** The exception class the SDK raises for each status, and the error type it reads. */
  static final Map<Integer, List<String>> RAISED =
      Map.of(
          400, List.of("BadRequestError", "invalid_request_error"),
          401, List.of("AuthenticationError", "authentication_error"),
          403, List.of("PermissionDeniedError", "permission_error"),
          404, List.of("NotFoundError", "not_found_error"),
          413, List.of("ContentTooLargeError", "request_too_large"),
          429, List.of("RateLimitError", "rate_limit_error"),
          500, List.of("InternalServerError", "api_error"),
          503, List.of("ServiceUnavailableError", "api_error"),
          529, List.of("OverloadedError", "overloaded_error"));

  @Override
  String config() {
    var failing = new StringBuilder();
    for (int status : RAISED.keySet()) {
      failing.append(
          "  - {name: claude-e%d, api: anthropic, errorRate: 1, errorStatus: %d}\n"
              .formatted(status, status));
    }
    return """
        models:
          - name: claude-fixed
            api: anthropic
            apiKey: sk-ant-simulated
            answer: It is sunny and 22 degrees in Paris.
          - name: claude-agent
            api: anthropic
            answer: It is sunny in Paris, and 14:05.
            toolCalls: 2
            parallelToolCalls: true
            thinking: The user wants the weather and the time, so I call both tools.
            cacheReadShare: 0.5
          - name: claude-overloaded
            api: anthropic
            errorRate: 1
            errorStatus: 529
          - name: claude-breaking
            api: anthropic
            answer: one two three four five six
            failAfterEvents: 3
        """
        + failing;
  }

  @Test
  void theAnthropicSdkParsesEveryAnswerStreamAndErrorOfTheSimulator() throws Exception {
    Map<String, JsonNode> cases =
        PythonClient.run(
            "anthropic-python",
            "src/test/resources/anthropic/sdk_against_simulator.py",
            server.origin(),
            KEY);

    JsonNode created = ok(cases, "create");
    assertThat(created.get("id").asText()).startsWith("msg_");
    assertThat(created.get("text").asText()).isEqualTo("It is sunny and 22 degrees in Paris.");
    assertThat(created.get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(created.get("input_tokens").asInt()).isPositive();
    assertThat(created.get("output_tokens").asInt()).isEqualTo(8);

    JsonNode text = ok(cases, "stream text");
    assertThat(text.get("equal").asBoolean()).as(text.toString()).isTrue();
    assertThat(text.get("usage_equal").asBoolean()).isTrue();
    assertThat(text.get("text").asText()).isEqualTo("It is sunny and 22 degrees in Paris.");
    assertThat(text.get("streamed_input_tokens").asInt()).isPositive();

    JsonNode tools = ok(cases, "stream tools and thinking");
    assertThat(tools.get("equal").asBoolean()).as(tools.toString()).isTrue();
    assertThat(tools.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(tools.get("blocks").toString())
        .isEqualTo("[\"thinking\",\"tool_use\",\"tool_use\"]");

    JsonNode loop = ok(cases, "tool loop");
    assertThat(loop.get("turns")).hasSize(2);
    JsonNode calling = loop.get("turns").get(0);
    assertThat(calling.get("stop_reason").asText()).isEqualTo("tool_use");
    assertThat(calling.get("tools").toString()).isEqualTo("[\"get_weather\",\"get_time\"]");
    assertThat(calling.get("inputs").get(0).get("unit").asText()).isEqualTo("celsius");
    assertThat(calling.get("inputs").get(0).get("city").isTextual()).isTrue();
    assertThat(calling.get("inputs").get(1).get("timezone").isTextual()).isTrue();
    assertThat(loop.get("turns").get(1).get("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(loop.get("answer").asText()).isEqualTo("It is sunny in Paris, and 14:05.");

    JsonNode thinking = ok(cases, "thinking");
    assertThat(thinking.get("blocks").toString()).isEqualTo("[\"thinking\",\"text\"]");
    assertThat(thinking.get("thinking").asText()).startsWith("The user wants");
    assertThat(thinking.get("signed").asBoolean()).isTrue();
    assertThat(thinking.get("again").asText()).isEqualTo("end_turn");

    JsonNode counted = ok(cases, "count tokens");
    assertThat(counted.get("input_tokens").asInt())
        .isPositive()
        .isEqualTo(counted.get("message_input").asInt());

    JsonNode cache = ok(cases, "cache and stop");
    assertThat(cache.get("text").asText()).isEqualTo("It is sunny in");
    assertThat(cache.get("stop_reason").asText()).isEqualTo("stop_sequence");
    assertThat(cache.get("stop_sequence").asText()).isEqualTo("Paris");
    assertThat(cache.get("cache_read").asInt()).isPositive();
    assertThat(
            cache.get("input_tokens").asInt()
                + cache.get("cache_read").asInt()
                + cache.get("cache_creation").asInt())
        .isEqualTo(cache.get("counted").asInt());
    // What SDK 2.17 puts on the wire: its key as a bearer token, an anthropic-version newer than
    // 2023-06-01, and the top-level cache_control and service_tier it added.
    JsonNode sent =
        server.simulator().recordedRequests(RequestLog.KEPT).stream()
            .filter(request -> request.get("body").asText().contains("\"service_tier\""))
            .findFirst()
            .orElseThrow();
    assertThat(sent.get("headers").get("authorization").get(0).asText()).isEqualTo("Bearer " + KEY);
    assertThat(sent.get("headers").get("anthropic-version").get(0).asText())
        .isEqualTo("2026-10-21");
    JsonNode body = SimulatorClient.parse(sent.get("body").asText());
    assertThat(body.get("cache_control").get("type").asText()).isEqualTo("ephemeral");
    assertThat(body.get("system").get(0).get("cache_control").get("type").asText())
        .isEqualTo("ephemeral");

    assertThat(ok(cases, "models").toString())
        .startsWith(
            "[\"claude-fixed\",\"claude-agent\",\"claude-overloaded\",\"claude-breaking\",");

    JsonNode overloaded = cases.get("overloaded");
    assertThat(overloaded.get("outcome").asText())
        .as(overloaded.toString())
        .isEqualTo("OverloadedError");
    assertThat(overloaded.get("status").asInt()).isEqualTo(529);
    assertThat(overloaded.get("type").asText()).isEqualTo("overloaded_error");

    // An error event after the 200: the SDK raises its status error with the event's error type.
    JsonNode broken = cases.get("broken stream");
    assertThat(broken.get("outcome").asText()).as(broken.toString()).isEqualTo("APIStatusError");
    assertThat(broken.get("type").asText()).isEqualTo("overloaded_error");

    RAISED.forEach(
        (status, raised) -> {
          JsonNode seen = cases.get("status " + status);
          assertThat(seen.get("outcome").asText()).as(seen.toString()).isEqualTo(raised.get(0));
          assertThat(seen.get("status").asInt()).isEqualTo(status);
          assertThat(seen.get("type").asText()).isEqualTo(raised.get(1));
        });

    JsonNode wrongKey = cases.get("wrong key");
    assertThat(wrongKey.get("outcome").asText()).isEqualTo("AuthenticationError");
    assertThat(wrongKey.get("type").asText()).isEqualTo("authentication_error");
  }

  private static JsonNode ok(Map<String, JsonNode> cases, String name) {
    JsonNode seen = cases.get(name);
    assertThat(seen).as(name).isNotNull();
    assertThat(seen.get("outcome").asText()).as(seen.toString()).isEqualTo("ok");
    return seen.get("result");
  }
}
