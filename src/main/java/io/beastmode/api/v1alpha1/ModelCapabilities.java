package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** What a model supports beyond plain text. */
public class ModelCapabilities {

  @Default("false")
  @JsonPropertyDescription("The model accepts tools (function calling).")
  public boolean tools;

  @Default("false")
  @JsonPropertyDescription("The model supports a JSON response format.")
  public boolean json;

  @Default("false")
  @JsonPropertyDescription("The model accepts images.")
  public boolean vision;

  @Default("true")
  @JsonPropertyDescription("The model streams answers as server-sent events.")
  public boolean streaming = true;

  // No default: left out, a chat model's rendered routing config stays as it was before
  // embeddings, and routers are not rolled for a field they do not use.
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyDescription(
      "The model is an embedding model: it answers /v1/embeddings, asked for by name only (no"
          + " alias, no fallback to another model: their vectors are not comparable), and no chat."
          + " Default false.")
  public Boolean embeddings;

  @JsonIgnore
  public boolean isEmbeddingModel() {
    return Boolean.TRUE.equals(embeddings);
  }
}
