package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** One model a router may call. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.maxOutputTokens) || self.maxOutputTokens <= self.contextWindow",
    message = "maxOutputTokens must not exceed contextWindow",
    fieldPath = ".maxOutputTokens")
@ValidationRule(
    value = "self.provider != 'selfHosted' || self.endpoints.all(e, has(e.service))",
    message = "selfHosted models name a Service in each endpoint",
    fieldPath = ".endpoints")
public class Model {

  @Required
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
  @JsonPropertyDescription("Name clients use for the model, for example gpt-4o-mini.")
  public String name;

  @JsonPropertyDescription("Model name sent to the upstream, when it differs from name.")
  @Size(min = 1, max = 256)
  public String upstreamModel;

  @Default("openAICompatible")
  @JsonPropertyDescription(
      "How the model is reached: an OpenAI-compatible endpoint, or a self-hosted Service in a region.")
  public ModelProvider provider = ModelProvider.openAICompatible;

  @Required
  @Size(min = 1, max = 16)
  @ValidationRule(
      value = "self.all(e, self.exists_one(o, o.region == e.region))",
      message = "at most one endpoint per region")
  @JsonPropertyDescription(
      "Where the model is reached, per region; the region '*' applies to every region without its own entry.")
  public List<ModelEndpoint> endpoints;

  @Default("{}")
  @JsonPropertyDescription(
      "The API the endpoints speak (OpenAI, Azure OpenAI or Anthropic) and how they are called.")
  public ModelUpstream upstream = new ModelUpstream();

  @JsonPropertyDescription(
      "Secret key holding the API key sent to the upstream (as its kind expects: a bearer token,"
          + " api-key or x-api-key).")
  public SecretKeyReference credentialsSecretRef;

  @Required
  @JsonPropertyDescription("Price of the model in USD per million tokens.")
  public ModelPricing pricing;

  @Default("{}")
  @JsonPropertyDescription("How good the model's answers are, overall and per domain.")
  public ModelQuality quality = new ModelQuality();

  @Default("8192")
  @Min(1)
  @Max(10000000)
  @JsonPropertyDescription("Context window in tokens (prompt and answer together).")
  public int contextWindow = 8192;

  @Min(1)
  @JsonPropertyDescription("Most tokens the model writes in one answer.")
  public Integer maxOutputTokens;

  @Default("{}")
  @JsonPropertyDescription("What the model supports beyond plain text.")
  public ModelCapabilities capabilities = new ModelCapabilities();
}
