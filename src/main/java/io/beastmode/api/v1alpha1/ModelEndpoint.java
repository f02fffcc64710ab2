package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Where a model is reached from one region. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.url) != has(self.service)",
    message = "exactly one of url or service must be set")
public class ModelEndpoint {

  @Default("\"*\"")
  @Size(min = 1, max = 63)
  @Pattern("^(\\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$")
  @JsonPropertyDescription(
      "Region name this endpoint serves, or '*' for every region without its own entry.")
  public String region = "*";

  @Pattern("^https?://.+")
  @JsonPropertyDescription(
      "Base URL of the model's API: for kind openai the API's base, for example"
          + " https://api.openai.com/v1; for azureOpenAI the resource,"
          + " https://NAME.openai.azure.com; for anthropic https://api.anthropic.com.")
  public String url;

  @JsonPropertyDescription("A Service in the region's cluster serving the model's API.")
  public ServiceEndpoint service;
}
