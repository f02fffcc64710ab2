package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Tokens of one answer, split so that no dialect's convention counts the cache twice or drops it:
 * OpenAI's {@code prompt_tokens} includes cached tokens, Anthropic's {@code input_tokens} excludes
 * both cache reads and cache writes.
 *
 * @param uncachedInput input tokens neither read from nor written to the provider's prompt cache
 * @param cacheRead input tokens read from the prompt cache
 * @param cacheWrite input tokens written to the prompt cache
 * @param output generated tokens, reasoning included
 * @param reasoning the part of {@code output} spent on reasoning
 * @param estimated true when the numbers are the router's estimate, not the upstream's report
 */
public record TokenUsage(
    long uncachedInput,
    long cacheRead,
    long cacheWrite,
    long output,
    long reasoning,
    boolean estimated) {

  public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0);

  public TokenUsage(
      long uncachedInput, long cacheRead, long cacheWrite, long output, long reasoning) {
    this(uncachedInput, cacheRead, cacheWrite, output, reasoning, false);
  }

  /** Every input token, cached or not: what OpenAI calls {@code prompt_tokens}. */
  public long totalInput() {
    return uncachedInput + cacheRead + cacheWrite;
  }

  public TokenUsage withOutput(long output) {
    return new TokenUsage(uncachedInput, cacheRead, cacheWrite, output, reasoning, estimated);
  }

  /** From an OpenAI chat or completions {@code usage}, whose prompt tokens include cached ones. */
  public static TokenUsage fromOpenAi(JsonNode usage) {
    long prompt = usage.path("prompt_tokens").asLong();
    long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong();
    return new TokenUsage(
        Math.max(0, prompt - cached),
        cached,
        0,
        usage.path("completion_tokens").asLong(),
        usage.path("completion_tokens_details").path("reasoning_tokens").asLong());
  }

  /** From a Responses {@code usage}: the same convention as chat under other names. */
  public static TokenUsage fromResponses(JsonNode usage) {
    long input = usage.path("input_tokens").asLong();
    long cached = usage.path("input_tokens_details").path("cached_tokens").asLong();
    return new TokenUsage(
        Math.max(0, input - cached),
        cached,
        0,
        usage.path("output_tokens").asLong(),
        usage.path("output_tokens_details").path("reasoning_tokens").asLong());
  }

  /** From an Anthropic {@code usage}, whose input tokens exclude cache reads and writes. */
  public static TokenUsage fromAnthropic(JsonNode usage) {
    return new TokenUsage(
        usage.path("input_tokens").asLong(),
        usage.path("cache_read_input_tokens").asLong(),
        usage.path("cache_creation_input_tokens").asLong(),
        usage.path("output_tokens").asLong(),
        0);
  }

  /**
   * This usage with the fields an Anthropic {@code message_delta} reports replaced: a field it
   * leaves out keeps its earlier value, so input known from {@code message_start} is never lost.
   */
  public TokenUsage updatedByAnthropic(JsonNode usage) {
    return new TokenUsage(
        usage.has("input_tokens") && !usage.get("input_tokens").isNull()
            ? usage.get("input_tokens").asLong()
            : uncachedInput,
        usage.has("cache_read_input_tokens") && !usage.get("cache_read_input_tokens").isNull()
            ? usage.get("cache_read_input_tokens").asLong()
            : cacheRead,
        usage.has("cache_creation_input_tokens")
                && !usage.get("cache_creation_input_tokens").isNull()
            ? usage.get("cache_creation_input_tokens").asLong()
            : cacheWrite,
        usage.has("output_tokens") ? usage.get("output_tokens").asLong() : output,
        reasoning,
        false);
  }

  /** OpenAI chat's shape: prompt tokens include cached ones, named in the details. */
  public ObjectNode toOpenAi() {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", totalInput());
    usage.put("completion_tokens", output);
    usage.put("total_tokens", totalInput() + output);
    usage.putObject("prompt_tokens_details").put("cached_tokens", cacheRead);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    return usage;
  }

  /**
   * Responses' shape: as chat's, under the names {@code input_tokens} and {@code output_tokens}.
   */
  public ObjectNode toResponses() {
    ObjectNode usage = Json.object();
    usage.put("input_tokens", totalInput());
    usage.putObject("input_tokens_details").put("cached_tokens", cacheRead);
    usage.put("output_tokens", output);
    usage.putObject("output_tokens_details").put("reasoning_tokens", reasoning);
    usage.put("total_tokens", totalInput() + output);
    return usage;
  }

  /** Anthropic's shape: {@code input_tokens} counts only what was neither read nor written. */
  public ObjectNode toAnthropic() {
    ObjectNode usage = Json.object();
    usage.put("input_tokens", uncachedInput);
    usage.put("cache_creation_input_tokens", cacheWrite);
    usage.put("cache_read_input_tokens", cacheRead);
    usage.put("output_tokens", output);
    return usage;
  }
}
