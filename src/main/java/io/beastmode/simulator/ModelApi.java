package io.beastmode.simulator;

/** The API a simulated model is served on, as the provider it stands in for serves it. */
public enum ModelApi {
  /** OpenAI-compatible (OpenAI, vLLM): /v1/chat/completions, /v1/completions, /v1/embeddings. */
  openai,
  /** Anthropic Messages: /v1/messages and /v1/messages/count_tokens. */
  anthropic,
  /** Azure OpenAI: /openai/deployments/{name}/... with api-version, and /openai/v1/... */
  azure,
  /** OpenAI's Responses API, stateless: /v1/responses. */
  responses
}
