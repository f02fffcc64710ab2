package io.beastmode.simulator;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One model the simulator serves and how it behaves. Missing fields take the defaults below.
 *
 * @param name model id clients send
 * @param answer fixed answer text; null echoes the last user message (chat) or the prompt
 * @param latencyMs median time before the first byte, in milliseconds (default 0)
 * @param latencyP99Ms 99th percentile of that time (default latencyMs); when larger, the latency is
 *     drawn from a lognormal distribution with this median and p99
 * @param tokensPerSecond pace of streamed words; 0 sends them all at once (default 0)
 * @param errorRate share of requests answered with errorStatus, 0 to 1 (default 0)
 * @param errorStatus HTTP status of those answers, 400 to 599 (default 500)
 * @param outage how this model is down (default none)
 * @param api the API it is served on: openai, anthropic, azure or responses (default openai); a
 *     model answers on this API and those of alsoServes only
 * @param apiKey the key clients must send (Authorization: Bearer for openai and responses,
 *     x-api-key or Authorization: Bearer for anthropic, api-key for azure); null takes any or none
 *     (default)
 * @param embeddingDimensions above 0 makes it an embedding model with vectors of this length; it
 *     then answers embeddings and no chat (default 0)
 * @param toolCalls how many tools it calls when the request offers tools and the last message is
 *     the user's; 0 never calls any (default)
 * @param parallelToolCalls all toolCalls in one turn; false calls one a turn, toolCalls turns in a
 *     row (default false)
 * @param toolCallText text beside the tool calls: none, before or after them (default none)
 * @param thinking the reasoning it shows when the request asks for thinking or reasoning; null
 *     shows none (default)
 * @param cacheReadShare share of input tokens reported as read from the prompt cache, 0 to 1
 * @param cacheWriteShare share of input tokens reported as written to the prompt cache, 0 to 1;
 *     OpenAI's usage has no field for it, Anthropic's has
 * @param failAfterEvents a stream breaks after this many content events: Anthropic's with an {@code
 *     error} event, OpenAI's by closing the connection; 0 never (default)
 * @param anthropicBetas the anthropic-beta flags an Anthropic model accepts; another is refused
 *     with 400 as Anthropic refuses it; null accepts any (default)
 * @param alsoServes other APIs it answers on besides api, as vLLM serves Anthropic's Messages and
 *     OpenAI's Responses APIs beside OpenAI's chat (default none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimulatedModel(
    String name,
    String answer,
    long latencyMs,
    long latencyP99Ms,
    double tokensPerSecond,
    double errorRate,
    int errorStatus,
    Outage outage,
    ModelApi api,
    String apiKey,
    int embeddingDimensions,
    int toolCalls,
    boolean parallelToolCalls,
    ToolCallText toolCallText,
    String thinking,
    double cacheReadShare,
    double cacheWriteShare,
    int failAfterEvents,
    List<String> anthropicBetas,
    List<ModelApi> alsoServes) {

  public SimulatedModel {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a simulated model needs a name");
    }
    if (latencyMs < 0) {
      throw new IllegalArgumentException(name + ": latencyMs must not be negative");
    }
    // Jackson leaves absent numbers at 0, which no valid p99 or status can be: 0 means "not set".
    if (latencyP99Ms == 0) {
      latencyP99Ms = latencyMs;
    }
    if (latencyP99Ms < latencyMs) {
      throw new IllegalArgumentException(name + ": latencyP99Ms must not be below latencyMs");
    }
    if (latencyMs == 0 && latencyP99Ms > 0) {
      throw new IllegalArgumentException(name + ": latencyP99Ms needs a latencyMs above 0");
    }
    if (tokensPerSecond < 0) {
      throw new IllegalArgumentException(name + ": tokensPerSecond must not be negative");
    }
    if (errorRate < 0 || errorRate > 1) {
      throw new IllegalArgumentException(name + ": errorRate must be between 0 and 1");
    }
    if (errorStatus == 0) {
      errorStatus = 500;
    }
    if (errorStatus < 400 || errorStatus > 599) {
      throw new IllegalArgumentException(name + ": errorStatus must be an HTTP error status");
    }
    if (outage == null) {
      outage = Outage.none;
    }
    if (api == null) {
      api = ModelApi.openai;
    }
    if (toolCallText == null) {
      toolCallText = ToolCallText.none;
    }
    if (embeddingDimensions < 0) {
      throw new IllegalArgumentException(name + ": embeddingDimensions must not be negative");
    }
    if (embeddingDimensions > 0 && api == ModelApi.anthropic) {
      throw new IllegalArgumentException(name + ": Anthropic serves no embeddings");
    }
    if (toolCalls < 0 || failAfterEvents < 0) {
      throw new IllegalArgumentException(
          name + ": toolCalls and failAfterEvents must not be negative");
    }
    alsoServes = alsoServes == null ? List.of() : List.copyOf(alsoServes);
    if (embeddingDimensions > 0 && alsoServes.contains(ModelApi.anthropic)) {
      throw new IllegalArgumentException(name + ": Anthropic serves no embeddings");
    }
    if (anthropicBetas != null) {
      anthropicBetas = List.copyOf(anthropicBetas);
    }
    if (cacheReadShare < 0 || cacheWriteShare < 0 || cacheReadShare + cacheWriteShare > 1) {
      throw new IllegalArgumentException(
          name + ": cacheReadShare and cacheWriteShare must be between 0 and 1, together too");
    }
  }

  /** The fields models had before the other APIs and scripted behaviours came. */
  public SimulatedModel(
      String name,
      String answer,
      long latencyMs,
      long latencyP99Ms,
      double tokensPerSecond,
      double errorRate,
      int errorStatus,
      Outage outage) {
    this(
        name,
        answer,
        latencyMs,
        latencyP99Ms,
        tokensPerSecond,
        errorRate,
        errorStatus,
        outage,
        null,
        null,
        0,
        0,
        false,
        null,
        null,
        0,
        0,
        0,
        null,
        null);
  }

  /** Whether it answers on {@code on}: its own API or one it also serves. */
  boolean serves(ModelApi on) {
    return api == on || alsoServes.contains(on);
  }

  boolean embedding() {
    return embeddingDimensions > 0;
  }

  /** A healthy model that echoes after a fixed latency. */
  public static SimulatedModel echo(String name, long latencyMs) {
    return new SimulatedModel(name, null, latencyMs, latencyMs, 0, 0, 500, Outage.none);
  }
}
