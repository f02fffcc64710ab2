package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What API a model's endpoints speak and how a router calls it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.kind == 'azureOpenAI' || !has(self.apiVersion)",
    message = "apiVersion applies to kind azureOpenAI only",
    fieldPath = ".apiVersion")
@ValidationRule(
    value = "self.kind == 'azureOpenAI' || !has(self.deployment)",
    message = "deployment applies to kind azureOpenAI only",
    fieldPath = ".deployment")
@ValidationRule(
    value = "self.kind == 'anthropic' || !has(self.anthropicVersion)",
    message = "anthropicVersion applies to kind anthropic only",
    fieldPath = ".anthropicVersion")
@ValidationRule(
    value = "self.kind == 'anthropic' || !has(self.anthropicBetas)",
    message = "anthropicBetas applies to kind anthropic only",
    fieldPath = ".anthropicBetas")
public class ModelUpstream {

  @Default("openai")
  @JsonPropertyDescription(
      "openai (OpenAI or a compatible server such as vLLM), azureOpenAI or anthropic. The"
          + " credential is sent as a bearer token, in api-key or in x-api-key accordingly.")
  public UpstreamKind kind = UpstreamKind.openai;

  @Size(min = 1, max = 32)
  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$")
  @JsonPropertyDescription(
      "azureOpenAI: the api-version of the deployment path"
          + " (/openai/deployments/{deployment}/...?api-version=...). Absent: the v1 path"
          + " (/openai/v1/...), which takes the model in the body.")
  public String apiVersion;

  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
  @JsonPropertyDescription(
      "azureOpenAI with apiVersion: the deployment's name; default the model's upstreamModel.")
  public String deployment;

  @Size(min = 1, max = 32)
  @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
  @JsonPropertyDescription(
      "anthropic: the anthropic-version header sent when the client sent none (default"
          + " 2023-06-01); a client's own is forwarded unchanged.")
  public String anthropicVersion;

  @Size(max = 64)
  @JsonPropertyDescription(
      "anthropic: the anthropic-beta flags this upstream accepts. A client's flags are forwarded"
          + " when listed here and dropped otherwise; absent forwards every flag.")
  public List<String> anthropicBetas;

  @Size(max = 5)
  @JsonPropertyDescription(
      "Request formats the endpoint serves as they are, beside its kind's own (openai: chat,"
          + " completions, embeddings; azureOpenAI: chat, embeddings; anthropic: messages). vLLM,"
          + " for example, also serves messages and responses. A request in one of these goes"
          + " through byte for byte apart from its model; any other is translated.")
  public List<ApiDialect> nativeDialects;
}
