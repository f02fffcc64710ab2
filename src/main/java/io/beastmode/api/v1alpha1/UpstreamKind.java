package io.beastmode.api.v1alpha1;

/** The API a model's endpoint speaks, which decides the request's path, headers and body. */
public enum UpstreamKind {
  /** OpenAI's API or a server compatible with it (vLLM, llama.cpp, Ollama, ...). */
  openai,
  /** Azure OpenAI: a deployment path with an api-version, or the v1 path; the key in api-key. */
  azureOpenAI,
  /** Anthropic's Messages API: the key in x-api-key, an anthropic-version header. */
  anthropic
}
