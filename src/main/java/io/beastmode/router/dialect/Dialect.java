package io.beastmode.router.dialect;

/** The request shapes a caller may speak. */
public enum Dialect {
  /** OpenAI chat completions. */
  chat,
  /** OpenAI legacy text completions. */
  completions,
  /** OpenAI Responses. */
  responses,
  /** Anthropic Messages. */
  messages
}
