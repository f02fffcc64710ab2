package io.beastmode.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.UpstreamKind;
import java.util.Map;

/**
 * One model as a router in a given region sees it.
 *
 * @param name name clients use
 * @param pool the ModelPool it comes from
 * @param upstreamModel name sent to the upstream
 * @param baseUrl base URL of the model's API reached from this region
 * @param apiKeyEnv environment variable holding the bearer token, or null when none is needed
 * @param inputPerMillion USD per million prompt tokens
 * @param outputPerMillion USD per million completion tokens
 * @param quality overall quality, 0 to 1
 * @param domainQuality quality per domain, 0 to 1
 * @param upstream the API the endpoint speaks; null reads as OpenAI's
 * @param cacheReadPerMillion USD per million input tokens read from the provider's prompt cache;
 *     null bills them at the input price
 * @param cacheWritePerMillion USD per million input tokens written to it; null: the input price
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelRoute(
    String name,
    String pool,
    String upstreamModel,
    String baseUrl,
    String apiKeyEnv,
    double inputPerMillion,
    double outputPerMillion,
    double quality,
    Map<String, Double> domainQuality,
    int contextWindow,
    Integer maxOutputTokens,
    ModelCapabilities capabilities,
    ModelUpstream upstream,
    Double cacheReadPerMillion,
    Double cacheWritePerMillion) {

  /** A model on an OpenAI-compatible endpoint with no prompt-cache prices of its own. */
  public ModelRoute(
      String name,
      String pool,
      String upstreamModel,
      String baseUrl,
      String apiKeyEnv,
      double inputPerMillion,
      double outputPerMillion,
      double quality,
      Map<String, Double> domainQuality,
      int contextWindow,
      Integer maxOutputTokens,
      ModelCapabilities capabilities) {
    this(
        name,
        pool,
        upstreamModel,
        baseUrl,
        apiKeyEnv,
        inputPerMillion,
        outputPerMillion,
        quality,
        domainQuality,
        contextWindow,
        maxOutputTokens,
        capabilities,
        null,
        null,
        null);
  }

  /** The kind of API the endpoint speaks. */
  public UpstreamKind kind() {
    return upstream == null ? UpstreamKind.openai : upstream.kind;
  }
}
