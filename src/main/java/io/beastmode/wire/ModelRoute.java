package io.beastmode.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import java.util.Map;

/**
 * One model as a router in a given region sees it.
 *
 * @param name name clients use
 * @param pool the ModelPool it comes from
 * @param upstreamModel name sent to the upstream
 * @param baseUrl base URL of the OpenAI-compatible API reached from this region
 * @param apiKeyEnv environment variable holding the bearer token, or null when none is needed
 * @param inputPerMillion USD per million prompt tokens
 * @param outputPerMillion USD per million completion tokens
 * @param quality overall quality, 0 to 1
 * @param domainQuality quality per domain, 0 to 1
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
    ModelCapabilities capabilities) {}
