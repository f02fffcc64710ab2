package io.beastmode.api.v1alpha1;

/** How a model is reached. */
public enum ModelProvider {
  openAICompatible,
  selfHosted
}
