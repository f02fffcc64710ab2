package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.ApiDialect;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.UpstreamKind;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.InboundDialect;
import io.beastmode.wire.ModelRoute;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamPlanTest {
  private static final String MESSAGES =
      "{\"model\":\"claude\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void eachKindIsCalledOnItsOwnPathWithItsOwnCredentialHeader() {
    ModelUpstream azure = upstream(UpstreamKind.azureOpenAI);
    azure.apiVersion = "2024-10-21";
    azure.deployment = "prod east";
    ModelUpstream azureV1 = upstream(UpstreamKind.azureOpenAI);

    UpstreamPlan openai = plan(Endpoint.chat, route("https://api.openai.com/v1", null), chat());
    UpstreamPlan deployment =
        plan(Endpoint.chat, route("https://r.openai.azure.com/", azure), chat());
    UpstreamPlan v1 = plan(Endpoint.chat, route("https://r.openai.azure.com", azureV1), chat());
    UpstreamPlan anthropic =
        plan(
            Endpoint.messages,
            route("https://api.anthropic.com", upstream(UpstreamKind.anthropic)),
            MESSAGES);
    UpstreamPlan anthropicV1 =
        plan(
            Endpoint.messages,
            route("https://api.anthropic.com/v1", upstream(UpstreamKind.anthropic)),
            MESSAGES);

    assertThat(openai.url()).isEqualTo("https://api.openai.com/v1/chat/completions");
    assertThat(deployment.url())
        .isEqualTo(
            "https://r.openai.azure.com/openai/deployments/prod%20east/chat/completions?api-version=2024-10-21");
    assertThat(v1.url()).isEqualTo("https://r.openai.azure.com/openai/v1/chat/completions");
    assertThat(anthropic.url()).isEqualTo("https://api.anthropic.com/v1/messages");
    assertThat(anthropicV1.url()).isEqualTo("https://api.anthropic.com/v1/messages");
    assertThat(anthropic.headers().get("anthropic-version")).isEqualTo("2023-06-01");
  }

  @Test
  void aBodyInTheUpstreamsDialectPassesThroughAndAnyOtherIsTranslated() {
    ModelUpstream vllm = upstream(UpstreamKind.openai);
    vllm.nativeDialects = List.of(ApiDialect.messages);

    UpstreamPlan toAnthropic =
        plan(Endpoint.messages, route("https://a", upstream(UpstreamKind.anthropic)), MESSAGES);
    UpstreamPlan toOpenAi = plan(Endpoint.messages, route("https://o/v1", null), MESSAGES);
    UpstreamPlan toVllm = plan(Endpoint.messages, route("https://v/v1", vllm), MESSAGES);

    assertThat(toAnthropic.passThrough()).isTrue();
    assertThat(toAnthropic.body().toString()).isEqualTo(MESSAGES.replace("\"claude\"", "\"up\""));
    assertThat(toOpenAi.passThrough()).isFalse();
    assertThat(toOpenAi.url()).isEqualTo("https://o/v1/chat/completions");
    assertThat(toOpenAi.body().toString()).contains("\"role\":\"user\"").contains("\"up\"");
    assertThat(toVllm.passThrough()).isTrue();
    assertThat(toVllm.url()).isEqualTo("https://v/v1/messages");
  }

  @Test
  void onlyTheBetaFlagsAnUpstreamAllowsAreForwarded() {
    assertThat(UpstreamPlan.allowedBetas("a, b,c", null)).isEqualTo("a, b,c");
    assertThat(UpstreamPlan.allowedBetas("a, b,c", List.of("c", "a"))).isEqualTo("a,c");
    assertThat(UpstreamPlan.allowedBetas("x", List.of("a"))).isNull();
    assertThat(UpstreamPlan.allowedBetas(null, List.of("a"))).isNull();
  }

  @Test
  void anAnthropicUpstreamGetsOnlyTheBetaFlagsItsModelAllows() {
    ModelUpstream allowing = upstream(UpstreamKind.anthropic);
    allowing.anthropicBetas = List.of("b", "c");
    ModelUpstream refusingAll = upstream(UpstreamKind.anthropic);
    refusingAll.anthropicBetas = List.of("x");

    UpstreamPlan allowed = plan(Endpoint.messages, route("https://a", allowing), MESSAGES);
    UpstreamPlan none = plan(Endpoint.messages, route("https://a", refusingAll), MESSAGES);
    UpstreamPlan toOpenAi = plan(Endpoint.messages, route("https://o/v1", null), MESSAGES);

    assertThat(allowed.headers().get("anthropic-beta")).isEqualTo("b");
    assertThat(none.headers().contains("anthropic-beta")).isFalse();
    assertThat(toOpenAi.headers().contains("anthropic-beta")).isFalse();
  }

  @Test
  void anEmbeddingsRequestForAnAnthropicModelIsRefusedNamingTheModel() {
    assertThatThrownBy(
            () ->
                plan(
                    Endpoint.embeddings,
                    route("https://a", upstream(UpstreamKind.anthropic)),
                    "{\"model\":\"claude\",\"input\":\"x\"}"))
        .isInstanceOf(ApiError.class)
        .hasMessageContaining("no embeddings");
  }

  private static UpstreamPlan plan(Endpoint endpoint, ModelRoute model, String body) {
    Map<String, String> client = Map.of("anthropic-beta", "a,b");
    return UpstreamPlan.of(
        endpoint,
        model,
        "up",
        Buffer.buffer(body),
        "claude",
        () ->
            InboundDialect.of(Dialect.valueOf(endpoint.name()))
                .parse(CompletionRequest.readObject(body.getBytes())),
        false,
        client::get);
  }

  private static String chat() {
    return "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private static ModelUpstream upstream(UpstreamKind kind) {
    ModelUpstream upstream = new ModelUpstream();
    upstream.kind = kind;
    return upstream;
  }

  private static ModelRoute route(String url, ModelUpstream upstream) {
    return new ModelRoute(
        "claude",
        "pool",
        "up",
        url,
        null,
        1,
        1,
        0.8,
        null,
        100_000,
        null,
        new ModelCapabilities(),
        upstream,
        null,
        null);
  }
}
