package io.beastmode.router;

import io.beastmode.api.v1alpha1.ApiDialect;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.UpstreamKind;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.Endpoint;
import io.beastmode.router.dialect.AnthropicUpstream;
import io.beastmode.router.dialect.BodySplice;
import io.beastmode.router.dialect.CanonicalRequest;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.Json;
import io.beastmode.router.dialect.OpenAiUpstream;
import io.beastmode.router.dialect.UpstreamDialect;
import io.beastmode.wire.ModelRoute;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How one attempt reaches its model. When the model's endpoint serves the caller's dialect, the
 * caller's body goes as it is, only its {@code model} replaced, so the provider's prompt cache and
 * thinking signatures survive; otherwise the request is written for the endpoint's kind and its
 * answer read back ({@code translator}). The URL and headers are the kind's.
 *
 * @param translator the endpoint's dialect when the request is translated; null when it passes
 *     through
 */
record UpstreamPlan(String url, MultiMap headers, Buffer body, UpstreamDialect translator) {
  private static final OpenAiUpstream OPENAI = new OpenAiUpstream();

  /** The anthropic-version sent when neither the caller nor the model names one. */
  static final String ANTHROPIC_VERSION = AnthropicUpstream.VERSION;

  boolean passThrough() {
    return translator == null;
  }

  /**
   * The plan for {@code model}.
   *
   * @param received the caller's body, as it came
   * @param requestedModel the model the caller named
   * @param canonical the request read into the canonical model, made only when translating
   * @param clientHeaders the caller's headers (anthropic-version and anthropic-beta are passed on)
   */
  static UpstreamPlan of(
      Endpoint endpoint,
      ModelRoute model,
      String upstreamModel,
      Buffer received,
      String requestedModel,
      Supplier<CanonicalRequest> canonical,
      boolean stream,
      Function<String, String> clientHeaders) {
    UpstreamKind kind = model.kind();
    ModelUpstream upstream = model.upstream() == null ? new ModelUpstream() : model.upstream();
    MultiMap headers = headers(kind, upstream, model.apiKeyEnv(), stream, clientHeaders);
    if (endpoint == Endpoint.embeddings && kind == UpstreamKind.anthropic) {
      throw ApiError.invalid(
          "model", "model " + model.name() + " is on Anthropic's API, which serves no embeddings");
    }
    if (endpoint == Endpoint.embeddings
        || servesNatively(kind, upstream, Dialect.valueOf(endpoint.name()))) {
      Buffer body =
          upstreamModel.equals(requestedModel)
              ? received
              : Buffer.buffer(BodySplice.withModel(received.getBytes(), upstreamModel));
      return new UpstreamPlan(
          url(kind, upstream, model, upstreamModel, endpoint), headers, body, null);
    }
    UpstreamDialect translator = translator(kind, upstream, model);
    Buffer body = Buffer.buffer(Json.bytes(translator.request(canonical.get(), upstreamModel)));
    Endpoint target = Endpoint.valueOf(translator.nativeDialect().name());
    return new UpstreamPlan(
        url(kind, upstream, model, upstreamModel, target), headers, body, translator);
  }

  /** The dialect a kind speaks, and any the model declares its endpoint also serves. */
  static boolean servesNatively(UpstreamKind kind, ModelUpstream upstream, Dialect dialect) {
    boolean own =
        switch (kind) {
          case openai -> dialect == Dialect.chat || dialect == Dialect.completions;
          case azureOpenAI -> dialect == Dialect.chat;
          case anthropic -> dialect == Dialect.messages;
        };
    List<ApiDialect> declared = upstream.nativeDialects;
    return own || (declared != null && declared.contains(ApiDialect.valueOf(dialect.name())));
  }

  private static UpstreamDialect translator(
      UpstreamKind kind, ModelUpstream upstream, ModelRoute model) {
    return switch (kind) {
      // Azure takes OpenAI's body; its paths and key header are this plan's.
      case openai, azureOpenAI -> OPENAI;
      case anthropic ->
          new AnthropicUpstream(
              model.maxOutputTokens() == null
                  ? AnthropicUpstream.DEFAULT_MAX_TOKENS
                  : model.maxOutputTokens());
    };
  }

  /**
   * OpenAI's base URL ends in /v1 already; Azure's and Anthropic's name the host, and a base that
   * ends in /v1 anyway is taken as it is.
   */
  private static String url(
      UpstreamKind kind,
      ModelUpstream upstream,
      ModelRoute model,
      String upstreamModel,
      Endpoint endpoint) {
    String base = stripSlash(model.baseUrl());
    return switch (kind) {
      case openai -> base + endpoint.path();
      case anthropic -> (base.endsWith("/v1") ? base : base + "/v1") + endpoint.path();
      case azureOpenAI ->
          upstream.apiVersion == null
              ? base + "/openai/v1" + endpoint.path()
              : base
                  + "/openai/deployments/"
                  + encode(upstream.deployment != null ? upstream.deployment : upstreamModel)
                  + endpoint.path()
                  + "?api-version="
                  + encode(upstream.apiVersion);
    };
  }

  private static MultiMap headers(
      UpstreamKind kind,
      ModelUpstream upstream,
      String apiKeyEnv,
      boolean stream,
      Function<String, String> clientHeaders) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    if (stream) {
      headers.add("accept", "text/event-stream");
    }
    String key = apiKeyEnv == null ? null : System.getenv(apiKeyEnv);
    if (key != null) {
      switch (kind) {
        case openai -> headers.add("authorization", "Bearer " + key);
        case azureOpenAI -> headers.add("api-key", key);
        case anthropic -> headers.add("x-api-key", key);
      }
    }
    if (kind == UpstreamKind.anthropic) {
      String version = clientHeaders.apply("anthropic-version");
      headers.add(
          "anthropic-version",
          version != null
              ? version
              : upstream.anthropicVersion != null ? upstream.anthropicVersion : ANTHROPIC_VERSION);
      String betas = allowedBetas(clientHeaders.apply("anthropic-beta"), upstream.anthropicBetas);
      if (betas != null) {
        headers.add("anthropic-beta", betas);
      }
    }
    return headers;
  }

  /**
   * The caller's anthropic-beta flags this upstream takes, in the caller's order; all of them
   * without an allow-list; null when none is left (an empty header is refused upstream).
   */
  static String allowedBetas(String callerBetas, List<String> allowed) {
    if (callerBetas == null) {
      return null;
    }
    if (allowed == null) {
      return callerBetas;
    }
    StringJoiner kept = new StringJoiner(",");
    for (String flag : callerBetas.split(",")) {
      if (allowed.contains(flag.strip())) {
        kept.add(flag.strip());
      }
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
