package io.beastmode.router;

import static io.beastmode.router.RouterDialectsTestResource.ANTHROPIC_AGENT_ANSWER;
import static io.beastmode.router.RouterDialectsTestResource.OPENAI_AGENT_ANSWER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.testing.ClientProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real clients through the router, each once answered by an Anthropic-kind model and once by an
 * OpenAI-compatible one: the two coding agents (Claude Code on Messages, Codex on Responses), the
 * OpenAI Agents SDK and LangChain on Responses, and Anthropic's Node SDK on Messages. Each runs
 * offline in a throwaway home with a bound on its time; versions are pinned in
 * .ci/provision-tools.sh.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterDialectsTestResource.class, restrictToAnnotatedClass = true)
class RouterClientsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long CLI_SECONDS = 120;

  /**
   * HTTP/1.1 (no h2c upgrade) and a bound on every call, so a stuck call fails instead of hanging.
   */
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(java.time.Duration.ofSeconds(10))
          .build();

  private static final java.time.Duration CALL_TIMEOUT = java.time.Duration.ofSeconds(60);

  @TestHTTPResource("/")
  URL url;

  private String base() {
    return url.toString().replaceAll("/$", "");
  }

  /**
   * Claude Code 2.1.328, {@code claude -p}: one streamed {@code POST /v1/messages?beta=true} with
   * its tools, adaptive thinking, context management, output config and its anthropic-beta flags.
   * Its default model, claude-opus-5-5, is an Anthropic model here; claude-sonnet-4-5 an
   * OpenAI-compatible one.
   */
  @Test
  void claudeCodeCompletesAPromptWhicheverKindOfModelAnswers() throws Exception {
    for (var run :
        List.of(
            List.of("claude-opus-5-5", "claude-agent", ANTHROPIC_AGENT_ANSWER),
            List.of("claude-sonnet-4-5", "gpt-agent", OPENAI_AGENT_ANSWER))) {
      String model = run.get(0);
      clearUpstreamRequests();
      try (ClientProcess claude = new ClientProcess("beastmode-claude-code")) {
        var command =
            new ArrayList<>(
                List.of(
                    ClientProcess.tool("claude-code", "node_modules", ".bin", "claude").toString(),
                    "-p",
                    "Say hello.",
                    "--output-format",
                    "json"));
        if (!model.equals("claude-opus-5-5")) {
          command.addAll(List.of("--model", model));
        }
        ClientProcess.Result result = claude.run(command, claudeEnv(claude), CLI_SECONDS);

        assertThat(result.exit()).as(model + ": " + result.output()).isZero();
        JsonNode outcome = JSON.readTree(result.stdout());
        assertThat(outcome.path("is_error").asBoolean(true)).as(result.output()).isFalse();
        assertThat(outcome.path("result").asText()).as(result.output()).isEqualTo(run.get(2));
        // Answered at the first request: nothing refused and tried again another way.
        assertThat(upstreamRequestsFor(run.get(1))).as(model).hasSize(1);
        JsonNode sent = upstreamRequestFor(run.get(1));
        JsonNode body = JSON.readTree(sent.path("body").asText());
        assertThat(body.path("tools").size()).as(model).isGreaterThanOrEqualTo(10);
        if (model.equals("claude-opus-5-5")) {
          // Passed through to the Anthropic model: thinking, context management and the betas.
          assertThat(body.has("thinking") && body.has("context_management")).isTrue();
          assertThat(sent.at("/headers/anthropic-beta/0").asText()).contains("claude-code-");
          assertThat(sent.path("body").asText()).contains("\"role\":\"system\"");
        }
      }
    }
  }

  /**
   * Codex 0.169.0, {@code codex exec}: a streamed {@code POST /v1/responses} with {@code store:
   * false}, its tools, {@code include: ["reasoning.encrypted_content"]} and {@code
   * prompt_cache_key}, through a model provider whose base URL is the router. gpt-5.5-codex is an
   * OpenAI-compatible model here, claude-opus-5-5 an Anthropic one. Read-only sandbox, no
   * approvals, in a throwaway directory.
   */
  @Test
  void codexCompletesAPromptWhicheverKindOfModelAnswers() throws Exception {
    for (var run :
        List.of(
            // Codex picks its tools by model: a GPT-5 gets the free-form apply_patch, a model it
            // does not know the namespaced multi-agent tools.
            List.of("gpt-5.5-codex", "gpt-agent", OPENAI_AGENT_ANSWER, "\"apply_patch\""),
            List.of(
                "claude-opus-5-5",
                "claude-agent",
                ANTHROPIC_AGENT_ANSWER,
                "\"multi_agent_v1__spawn_agent\""))) {
      String model = run.get(0);
      clearUpstreamRequests();
      try (ClientProcess codex = new ClientProcess("beastmode-codex")) {
        java.nio.file.Path home = Files.createDirectories(codex.dir().resolve(".codex"));
        Files.writeString(home.resolve("config.toml"), codexConfig(model));
        java.nio.file.Path answer = codex.dir().resolve("answer.txt");
        ClientProcess.Result result =
            codex.run(
                List.of(
                    ClientProcess.tool("codex", "node_modules", ".bin", "codex").toString(),
                    "exec",
                    "--skip-git-repo-check",
                    "--sandbox",
                    "read-only",
                    "--output-last-message",
                    answer.toString(),
                    "Say hello."),
                Map.of("CODEX_HOME", home.toString(), "BEASTMODE_API_KEY", "test-key"),
                CLI_SECONDS);

        assertThat(result.exit()).as(model + ": " + result.output()).isZero();
        assertThat(read(answer).strip()).as(result.output()).isEqualTo(run.get(2));
        JsonNode sent = upstreamRequestFor(run.get(1));
        // Its free-form and namespaced tools reached the model as functions.
        JsonNode tools = JSON.readTree(sent.path("body").asText()).path("tools");
        assertThat(tools.toString()).as(model).contains("\"exec_command\"", run.get(3));
      }
    }
  }

  /**
   * Codex's tools beyond functions, as it sends them: a free-form (custom) tool with a grammar, a
   * namespace of functions and a client-run tool_search. A model without them (here an
   * OpenAI-compatible and an Anthropic one, each calling two tools at once) gets functions, and its
   * calls come back as Codex reads them: a custom_tool_call with its input as text, a function_call
   * with its namespace; streamed alike; and the next turn, carrying both calls and their outputs,
   * is accepted.
   */
  @Test
  void customAndNamespacedToolsComeBackAsTheirOwnCallsFromAnyModel() throws Exception {
    String tools =
        "[{\"type\":\"custom\",\"name\":\"apply_patch\",\"description\":\"Edit files.\","
            + "\"format\":{\"type\":\"grammar\",\"syntax\":\"lark\","
            + "\"definition\":\"start: /.+/\"}},"
            + "{\"type\":\"namespace\",\"name\":\"weather_v1\",\"description\":\"Weather.\","
            + "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"required\":[\"city\"],"
            + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]},"
            + "{\"type\":\"tool_search\",\"execution\":\"client\"}]";
    for (String model : List.of("gpt-4o-mini", "claude-sonnet")) {
      String question =
          "{\"type\":\"message\",\"role\":\"user\",\"content\":\"patch and weather "
              + RouterChecks.unique()
              + "\"}";
      String body =
          "{\"model\":\""
              + model
              + "\",\"store\":false,\"tools\":"
              + tools
              + ",\"input\":["
              + question
              + "]}";

      HttpResponse<String> plain = post(body);
      HttpResponse<String> streamed =
          post(body.replaceFirst("\\{", "{\"stream\":true,"), "cache-control", "no-store");

      assertThat(plain.statusCode()).as(model + ": " + plain.body()).isEqualTo(200);
      JsonNode output = JSON.readTree(plain.body()).path("output");
      JsonNode patch = itemOf(output, "custom_tool_call");
      JsonNode weather = itemOf(output, "function_call");
      assertThat(patch.path("name").asText()).as(model + " " + output).isEqualTo("apply_patch");
      assertThat(patch.path("input").isTextual()).as(model + " " + output).isTrue();
      assertThat(weather.path("namespace").asText()).as(model).isEqualTo("weather_v1");
      assertThat(weather.path("name").asText()).isEqualTo("get_weather");
      assertThat(streamed.statusCode()).as(model + ": " + streamed.body()).isEqualTo(200);
      assertThat(
              io.beastmode.router.dialect.StreamGrammar.responses(
                  streamed.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), null))
          .as(model)
          .isEmpty();
      assertThat(streamed.body())
          .contains("\"type\":\"custom_tool_call\"", "\"namespace\":\"weather_v1\"");

      String next =
          "{\"model\":\""
              + model
              + "\",\"store\":false,\"tools\":"
              + tools
              + ",\"input\":["
              + question
              + ","
              + patch
              + ",{\"type\":\"custom_tool_call_output\",\"call_id\":\""
              + patch.path("call_id").asText()
              + "\",\"output\":\"patched\"},"
              + weather
              + ",{\"type\":\"function_call_output\",\"call_id\":\""
              + weather.path("call_id").asText()
              + "\",\"output\":\"sunny\"}]}";
      HttpResponse<String> forced =
          post(
              body.replace(
                  "\"store\":false,",
                  "\"store\":false,\"tool_choice\":{\"type\":\"custom\",\"name\":\"apply_patch\"},"),
              "cache-control",
              "no-store");
      assertThat(forced.statusCode()).as(model + ": " + forced.body()).isEqualTo(200);
      assertThat(itemOf(JSON.readTree(forced.body()).path("output"), "custom_tool_call"))
          .isNotNull();

      HttpResponse<String> answered = post(next);
      assertThat(answered.statusCode()).as(model + ": " + answered.body()).isEqualTo(200);
      assertThat(JSON.readTree(answered.body()).at("/output/0/type").asText())
          .as(answered.body())
          .isIn("message", "reasoning");
    }
  }

  /**
   * Codex asks for reasoning with {@code include: ["reasoning.encrypted_content"]} and sends every
   * output item back the next turn. An Anthropic model's thinking is signed, and Anthropic wants it
   * back signed before a tool result: the reasoning item carries it in its encrypted_content,
   * streamed or not, and the next turn gives it to the model as it was.
   */
  @Test
  void reasoningFromAnAnthropicModelGoesBackToItTheNextTurn() throws Exception {
    String tools =
        "[{\"type\":\"function\",\"name\":\"get_weather\",\"parameters\":"
            + "{\"type\":\"object\",\"required\":[\"city\"],"
            + "\"properties\":{\"city\":{\"type\":\"string\"}}}}]";
    String question =
        "{\"type\":\"message\",\"role\":\"user\",\"content\":\"weather "
            + RouterChecks.unique()
            + "\"}";
    String head =
        "{\"model\":\"claude-sonnet\",\"store\":false,\"reasoning\":{\"effort\":\"medium\"},"
            + "\"include\":[\"reasoning.encrypted_content\"],\"max_output_tokens\":4000,"
            + "\"tools\":"
            + tools
            + ",\"input\":["
            + question;

    HttpResponse<String> first = post(head + "]}");
    HttpResponse<String> streamed =
        post(head.replaceFirst("\\{", "{\"stream\":true,") + "]}", "cache-control", "no-store");

    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    JsonNode output = JSON.readTree(first.body()).path("output");
    assertThat(itemOf(output, "reasoning").path("encrypted_content").asText()).isNotEmpty();
    // Streamed, the reasoning item is done with it too, as Codex keeps the items it saw done.
    assertThat(streamed.body()).containsPattern("output_item.done.{0,300}\"encrypted_content\"");
    assertThat(
            io.beastmode.router.dialect.StreamGrammar.responses(
                streamed.body().getBytes(java.nio.charset.StandardCharsets.UTF_8), null))
        .isEmpty();
    StringBuilder next = new StringBuilder(head);
    for (JsonNode item : output) {
      next.append(',').append(item);
      if (item.path("type").asText().equals("function_call")) {
        next.append(",{\"type\":\"function_call_output\",\"call_id\":\"")
            .append(item.path("call_id").asText())
            .append("\",\"output\":\"sunny\"}");
      }
    }
    clearUpstreamRequests();
    HttpResponse<String> second = post(next + "]}");

    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    assertThat(JSON.readTree(second.body()).path("status").asText()).isEqualTo("completed");
    // The model got its thinking back signed, as Anthropic requires before a tool result.
    JsonNode sent = JSON.readTree(lastUpstreamRequest().path("body").asText());
    JsonNode thinking = sent.at("/messages/1/content/0");
    assertThat(thinking.path("type").asText()).as(sent.toString()).isEqualTo("thinking");
    assertThat(thinking.path("signature").asText()).isNotEmpty();
  }

  private static JsonNode itemOf(JsonNode output, String type) {
    for (JsonNode item : output) {
      if (item.path("type").asText().equals(type)) {
        return item;
      }
    }
    throw new AssertionError("no " + type + " in " + output);
  }

  private HttpResponse<String> post(String body, String... headers) throws Exception {
    return send("/v1/responses", body, headers);
  }

  private HttpResponse<String> send(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base() + path))
            .timeout(CALL_TIMEOUT)
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A model provider whose base URL is the router, on the Responses API. */
  private String codexConfig(String model) {
    return """
        model = "%s"
        model_provider = "beastmode"
        check_for_update_on_startup = false
        # The router serves no OpenAI server tools: web search is off.
        web_search = "disabled"

        # Left on, plugins and apps look up github.com and chatgpt.com at start (seen with
        # strace); nothing but the router may be reached.
        [features]
        plugins = false
        remote_plugin = false
        apps = false

        [model_providers.beastmode]
        name = "BEAST MODE"
        base_url = "%s/v1"
        env_key = "BEASTMODE_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0

        [analytics]
        enabled = false
        """
        .formatted(model, base());
  }

  /**
   * The OpenAI Agents SDK: an agent with one function tool on OpenAIResponsesModel, its AsyncOpenAI
   * client's base URL the router, run whole and streamed; tracing off.
   */
  @Test
  void theOpenAiAgentsSdkRunsAnAgentWithAToolWhicheverKindOfModelAnswers() throws Exception {
    for (String model : List.of("gpt-4o-mini", "claude-sonnet")) {
      Map<String, JsonNode> cases =
          script(
              List.of(
                  python("openai-agents"),
                  resource("agents/agents_against_router.py"),
                  base() + "/v1",
                  model),
              Map.of("OPENAI_AGENTS_DISABLE_TRACING", "1"));

      for (String name : List.of("run", "streamed")) {
        JsonNode run = ok(cases, name, model);
        assertThat(run.path("cities").size()).as(model + " " + run).isPositive();
        assertThat(run.path("cities").get(0).asText()).as(model + " " + run).isNotBlank();
        assertThat(run.path("items").toString())
            .as(model + " " + run)
            .contains("tool_call_item", "tool_call_output_item", "message_output_item");
        assertThat(run.path("final").asText()).as(model + " " + run).isNotBlank();
      }
      assertThat(ok(cases, "streamed", model).path("events").asInt()).isPositive();
    }
  }

  /** LangChain's ChatOpenAI on the Responses API: invoke, stream, and a tool call answered. */
  @Test
  void langChainOnTheResponsesApiInvokesStreamsAndCallsATool() throws Exception {
    for (String model : List.of("gpt-4o-mini", "claude-sonnet")) {
      Map<String, JsonNode> cases =
          script(
              List.of(
                  python("langchain-openai"),
                  resource("langchain/responses_against_router.py"),
                  base() + "/v1",
                  model),
              Map.of());

      JsonNode invoked = ok(cases, "invoke", model);
      assertThat(invoked.path("text").asText()).as(model).contains(model);
      assertThat(invoked.path("input_tokens").asInt()).as(model).isPositive();
      assertThat(ok(cases, "stream", model).path("text").asText()).as(model).contains(model);
      JsonNode tools = ok(cases, "tools", model);
      assertThat(tools.path("calls").size()).as(model + " " + tools).isPositive();
      assertThat(tools.at("/calls/0").asText()).isEqualTo("get_weather");
      assertThat(tools.at("/args/0/city").isTextual()).as(model + " " + tools).isTrue();
      assertThat(tools.path("then").asText()).as(model + " " + tools).isNotBlank();
      assertThat(tools.path("then_calls").asInt()).isZero();
    }
  }

  /**
   * Anthropic's Node SDK: create, a stream whose final message equals the created one, and a tool
   * turn answered with the tool's result.
   */
  @Test
  void anthropicsNodeSdkCreatesStreamsAndCallsATool() throws Exception {
    for (String model : List.of("claude-sonnet", "gpt-4o-mini")) {
      Map<String, JsonNode> cases =
          script(
              List.of("node", resource("anthropic/node_sdk_against_router.cjs"), base(), model),
              Map.of("NODE_PATH", ClientProcess.tool("anthropic-node", "node_modules").toString()));

      JsonNode created = ok(cases, "create", model);
      assertThat(created.path("text").asText()).as(model).contains(model);
      assertThat(created.path("stop_reason").asText()).isEqualTo("end_turn");
      assertThat(created.path("input_tokens").asInt()).isPositive();
      JsonNode streamed = ok(cases, "stream", model);
      assertThat(streamed.path("same_content").asBoolean()).as(model + " " + streamed).isTrue();
      assertThat(streamed.path("same_stop_reason").asBoolean()).as(model).isTrue();
      assertThat(streamed.path("input_tokens").asInt()).as(model).isPositive();
      JsonNode tools = ok(cases, "tools", model);
      assertThat(tools.path("stop_reason").asText()).as(model + " " + tools).isEqualTo("tool_use");
      assertThat(tools.path("tools").size()).isPositive();
      assertThat(tools.at("/tools/0").asText()).isEqualTo("get_weather");
      assertThat(tools.at("/cities/0").asText()).as(model + " " + tools).isNotBlank();
      assertThat(tools.path("then").asText()).isEqualTo("end_turn");
      assertThat(tools.path("then_text").asText()).isNotBlank();
    }
  }

  /** Runs a client script in a throwaway home and reads the JSON line it prints per case. */
  private static Map<String, JsonNode> script(List<String> command, Map<String, String> env)
      throws Exception {
    try (ClientProcess client = new ClientProcess("beastmode-client")) {
      ClientProcess.Result result = client.run(command, env, CLI_SECONDS);
      assertThat(result.exit()).as(result.output()).isZero();
      Map<String, JsonNode> cases = new java.util.HashMap<>();
      for (String line : result.stdout().lines().toList()) {
        JsonNode seen = JSON.readTree(line);
        cases.put(seen.path("case").asText(), seen);
      }
      return cases;
    }
  }

  private static String python(String virtualenv) {
    return ClientProcess.tool(virtualenv, "bin", "python").toString();
  }

  /** A test resource's absolute path: the scripts run in a directory of their own. */
  private static String resource(String path) {
    return java.nio.file.Path.of("src/test/resources", path).toAbsolutePath().toString();
  }

  private static JsonNode ok(Map<String, JsonNode> cases, String name, String model) {
    JsonNode seen = cases.get(name);
    assertThat(seen).as(model + ": no line for " + name + " in " + cases).isNotNull();
    assertThat(seen.path("outcome").asText()).as(model + " " + name + ": " + seen).isEqualTo("ok");
    return seen.path("result");
  }

  /**
   * Claude Code's request shape in brief: on {@code /v1/messages?beta=true}, a system turn between
   * user turns. An Anthropic model gets it as sent; an OpenAI-compatible one gets its text in the
   * system prompt.
   */
  @Test
  void aSystemTurnInsideAMessagesConversationReachesEitherKindOfModel() throws Exception {
    for (String model : List.of("claude-sonnet", "gpt-4o-mini")) {
      String marker = "Environment " + RouterChecks.unique();
      String body =
          "{\"model\":\""
              + model
              + "\",\"max_tokens\":100,\"messages\":["
              + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"context\"}]},"
              + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\""
              + marker
              + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
              + "{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
      clearUpstreamRequests();

      HttpResponse<String> answer =
          send("/v1/messages?beta=true", body, "anthropic-version", "2023-06-01");

      assertThat(answer.statusCode()).as(model + ": " + answer.body()).isEqualTo(200);
      assertThat(JSON.readTree(answer.body()).path("type").asText()).isEqualTo("message");
      JsonNode sent = JSON.readTree(lastUpstreamRequest().path("body").asText());
      if (model.equals("claude-sonnet")) {
        assertThat(sent.at("/messages/1/role").asText()).isEqualTo("system");
      } else {
        assertThat(sent.at("/messages/0/role").asText()).isEqualTo("system");
        assertThat(sent.at("/messages/0/content").asText()).contains(marker);
        assertThat(sent.toString()).doesNotContain("\"role\":\"system\",\"content\":[");
      }
    }
  }

  private Map<String, String> claudeEnv(ClientProcess claude) {
    return Map.of(
        "ANTHROPIC_BASE_URL",
        base(),
        "ANTHROPIC_API_KEY",
        "sk-ant-test",
        "CLAUDE_CONFIG_DIR",
        claude.dir().resolve(".claude").toString(),
        // Nothing but the model's requests: no telemetry, error reports, update checks or
        // other traffic the CLI sends besides (there is no network here to send it to).
        "DISABLE_TELEMETRY",
        "1",
        "DISABLE_AUTOUPDATER",
        "1",
        "DISABLE_ERROR_REPORTING",
        "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
        "1");
  }

  private static void clearUpstreamRequests() throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(URI.create(RouterDialectsTestResource.root() + "/sim/requests"))
            .timeout(CALL_TIMEOUT)
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode lastUpstreamRequest() throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(RouterDialectsTestResource.root() + "/sim/requests?last=1"))
                .timeout(CALL_TIMEOUT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode requests = JSON.readTree(response.body());
    JsonNode list = requests.isArray() ? requests : requests.path("requests");
    return list.get(list.size() - 1);
  }

  /** The last request the simulator's {@code model} was sent. */
  private static JsonNode upstreamRequestFor(String model) throws Exception {
    List<JsonNode> found = upstreamRequestsFor(model);
    assertThat(found).as("no request reached " + model).isNotEmpty();
    return found.get(found.size() - 1);
  }

  /** The requests the simulator's {@code model} was sent, oldest first. */
  private static List<JsonNode> upstreamRequestsFor(String model) throws Exception {
    var response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(RouterDialectsTestResource.root() + "/sim/requests?last=20"))
                .timeout(CALL_TIMEOUT)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode requests = JSON.readTree(response.body());
    JsonNode list = requests.isArray() ? requests : requests.path("requests");
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode request : list) {
      if (request.path("body").asText().contains("\"" + model + "\"")) {
        found.add(request);
      }
    }
    return found;
  }

  static String read(java.nio.file.Path file) throws java.io.IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
