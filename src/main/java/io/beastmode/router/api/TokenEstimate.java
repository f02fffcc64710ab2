package io.beastmode.router.api;

/**
 * Token counts when the upstream reports none: about four characters a token for English text, the
 * rule of thumb OpenAI documents. Used for the context-window check before a call and for usage of
 * streamed answers without a usage chunk.
 */
public final class TokenEstimate {
  private TokenEstimate() {}

  public static int ofChars(long chars) {
    return (int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4);
  }
}
