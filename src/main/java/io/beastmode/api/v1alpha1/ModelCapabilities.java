package io.beastmode.api.v1alpha1;

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
}
