package io.beastmode.router.select;

/**
 * What a request asks of a model, read from its body before any model is chosen.
 *
 * @param promptTokens estimated prompt tokens
 * @param maxTokens the answer limit the client set, 0 when none
 * @param domain the domain the client named (for per-domain quality), or null
 * @param embeddings true for an embeddings request, which only an embedding model serves
 */
public record RequestNeeds(
    int promptTokens,
    int maxTokens,
    boolean tools,
    boolean json,
    boolean vision,
    boolean stream,
    String domain,
    boolean embeddings) {

  /** A request for a completion (chat, text, Responses or Messages). */
  public RequestNeeds(
      int promptTokens,
      int maxTokens,
      boolean tools,
      boolean json,
      boolean vision,
      boolean stream,
      String domain) {
    this(promptTokens, maxTokens, tools, json, vision, stream, domain, false);
  }

  /** Answer length assumed for pricing when the client sets no {@code max_tokens}. */
  public static final int DEFAULT_EXPECTED_OUTPUT_TOKENS = 256;

  public int expectedOutputTokens() {
    return maxTokens > 0 ? maxTokens : DEFAULT_EXPECTED_OUTPUT_TOKENS;
  }
}
