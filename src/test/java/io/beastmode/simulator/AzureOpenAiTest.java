package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.JSON;
import static io.beastmode.simulator.SimulatorClient.events;
import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Azure OpenAI's deployment and v1 paths as the simulator serves them, over real HTTP. */
class AzureOpenAiTest extends SimulatorHarness {
  static final String KEY = "azure-simulated-key";
  static final String CONFIG =
      """
      models:
        - name: gpt-4o-deployment
          api: azure
          apiKey: azure-simulated-key
          answer: Hello from Azure.
        - name: busy-deployment
          api: azure
          errorRate: 1
          errorStatus: 429
        - name: embedding-deployment
          api: azure
          embeddingDimensions: 8
        - name: agent-deployment
          api: azure
          toolCalls: 2
          parallelToolCalls: true
          cacheReadShare: 0.5
          failAfterEvents: 3
        - name: gpt-4o
      """;
  static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
  static final String DEPLOYMENT_PATH = "/openai/deployments/%s/chat/completions%s";

  @Override
  String config() {
    return CONFIG;
  }

  HttpResponse<String> chat(String deployment, String query, String body) throws Exception {
    return client.post(DEPLOYMENT_PATH.formatted(deployment, query), body, "api-key", KEY);
  }

  @Test
  void theDeploymentPathAnswersWithAzuresFilterResults() throws Exception {
    var response = chat("gpt-4o-deployment", "?api-version=2024-10-21", CHAT);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode completion = json(response);
    assertThat(completion.get("object").asText()).isEqualTo("chat.completion");
    assertThat(completion.get("model").asText()).isEqualTo("gpt-4o-deployment");
    assertThat(CompletionsTest.content(completion)).isEqualTo("Hello from Azure.");
    assertThat(completion.get("prompt_filter_results").get(0).get("prompt_index").asInt()).isZero();
    assertThat(
            completion
                .get("choices")
                .get(0)
                .get("content_filter_results")
                .get("hate")
                .get("filtered")
                .asBoolean())
        .isFalse();
  }

  @Test
  void aStreamOpensWithAChunkOfNoChoicesCarryingThePromptFilterResults() throws Exception {
    var response =
        chat(
            "gpt-4o-deployment",
            "?api-version=2024-10-21",
            CHAT.replaceFirst("\\{", "{\"stream\": true, "));

    List<String> data = events(response.body());
    assertThat(data).last().isEqualTo("[DONE]");
    JsonNode first = JSON.readTree(data.get(0));
    assertThat(first.get("choices").isEmpty()).isTrue();
    assertThat(first.has("prompt_filter_results")).isTrue();
    var text = new StringBuilder();
    for (String event : data.subList(1, data.size() - 1)) {
      text.append(
          JSON.readTree(event).get("choices").get(0).get("delta").path("content").asText(""));
    }
    assertThat(text).hasToString("Hello from Azure.");
  }

  @Test
  void theApiVersionIsRequiredAndMustBeOneAzureHas() throws Exception {
    var missing = chat("gpt-4o-deployment", "", CHAT);
    var unknown = chat("gpt-4o-deployment", "?api-version=2019-01-01", CHAT);

    assertAzureError(missing, 404, "404");
    assertAzureError(unknown, 400, "BadRequest");
  }

  @Test
  void anUnknownDeploymentOrAWrongKeyIsRefusedInAzuresShape() throws Exception {
    var unknown = chat("nowhere", "?api-version=2024-10-21", CHAT);
    var openAiModel = chat("gpt-4o", "?api-version=2024-10-21", CHAT);
    var wrongKey =
        client.post(
            DEPLOYMENT_PATH.formatted("gpt-4o-deployment", "?api-version=2024-10-21"),
            CHAT,
            "api-key",
            "wrong");

    assertAzureError(unknown, 404, "DeploymentNotFound");
    assertAzureError(openAiModel, 404, "DeploymentNotFound");
    assertAzureError(wrongKey, 401, "401");
  }

  @Test
  void aRateLimitIsAzures429WithRetryAfter() throws Exception {
    var response = chat("busy-deployment", "?api-version=2024-10-21", CHAT);

    assertAzureError(response, 429, "429");
    assertThat(response.headers().firstValue("retry-after")).hasValue("1");
  }

  @Test
  void theV1PathTakesTheDeploymentAsModelAndNeedsNoApiVersion() throws Exception {
    var response =
        client.post(
            "/openai/v1/chat/completions",
            CHAT.replaceFirst("\\{", "{\"model\": \"gpt-4o-deployment\", "),
            "api-key",
            KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(CompletionsTest.content(json(response))).isEqualTo("Hello from Azure.");
  }

  @Test
  void embeddingsOnTheDeploymentPath() throws Exception {
    var response =
        client.post(
            "/openai/deployments/embedding-deployment/embeddings?api-version=2024-10-21",
            "{\"input\": \"hello\"}");
    var chatOnEmbeddings =
        client.post(
            DEPLOYMENT_PATH.formatted("embedding-deployment", "?api-version=2024-10-21"), CHAT);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("data").get(0).get("embedding")).hasSize(8);
    assertThat(chatOnEmbeddings.statusCode()).isEqualTo(404);
    assertThat(json(chatOnEmbeddings).get("error").has("code")).isTrue();
  }

  @Test
  void scriptedBehavioursWorkOnAzureToo() throws Exception {
    String tools =
        """
        {"tools": [{"type": "function", "function": {"name": "lookup",
           "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}],
         "messages": [{"role": "user", "content": "Look it up twice."}]}
        """;

    JsonNode completion = json(chat("agent-deployment", "?api-version=2024-10-21", tools));

    JsonNode choice = completion.get("choices").get(0);
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    assertThat(choice.get("message").get("tool_calls")).hasSize(2);
    assertThat(completion.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt())
        .isPositive();
    assertThatThrownBy(
            () ->
                chat(
                    "agent-deployment",
                    "?api-version=2024-10-21",
                    tools.replaceFirst("\\{", "{\"stream\": true, ")))
        .isInstanceOf(IOException.class);
  }

  static void assertAzureError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
  }
}
