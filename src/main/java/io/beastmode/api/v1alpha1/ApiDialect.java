package io.beastmode.api.v1alpha1;

/** A request format clients send a router, and that an upstream may serve as it is. */
public enum ApiDialect {
  /** OpenAI chat completions. */
  chat,
  /** OpenAI legacy text completions. */
  completions,
  /** OpenAI Responses. */
  responses,
  /** Anthropic Messages. */
  messages,
  /** OpenAI embeddings. */
  embeddings
}
