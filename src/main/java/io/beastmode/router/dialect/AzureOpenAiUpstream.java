package io.beastmode.router.dialect;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An Azure OpenAI upstream: OpenAI's chat body, on Azure's paths, with an {@code api-key} header.
 *
 * @param apiVersion the {@code api-version} of the deployment path; null for the v1 path ({@code
 *     /openai/v1/chat/completions}, where {@code model} names the deployment)
 */
public final class AzureOpenAiUpstream extends OpenAiUpstream {
  private final String apiVersion;

  public AzureOpenAiUpstream(String apiVersion) {
    this(apiVersion, false);
  }

  /**
   * @param reasoningModel as for {@link OpenAiUpstream#OpenAiUpstream(boolean)}
   */
  public AzureOpenAiUpstream(String apiVersion, boolean reasoningModel) {
    super(reasoningModel);
    this.apiVersion = apiVersion;
  }

  /** The v1 path, which needs no api-version. */
  public static AzureOpenAiUpstream v1() {
    return new AzureOpenAiUpstream(null);
  }

  /**
   * The path below the resource's base URL ({@code https://NAME.openai.azure.com}) that a chat
   * request for {@code deployment} goes to.
   */
  public String chatPath(String deployment) {
    if (apiVersion == null) {
      return "/openai/v1/chat/completions";
    }
    return "/openai/deployments/"
        + URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20")
        + "/chat/completions?api-version="
        + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
  }

  public Map<String, String> headers(String apiKey) {
    return Map.of("api-key", apiKey);
  }
}
