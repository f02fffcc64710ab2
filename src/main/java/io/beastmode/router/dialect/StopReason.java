package io.beastmode.router.dialect;

/** Why the model stopped; each dialect has its own words for these. */
public enum StopReason {
  endTurn,
  maxTokens,
  stopSequence,
  toolUse,
  contentFilter,
  pauseTurn,
  refusal;

  /** Chat's and legacy completions' {@code finish_reason}. */
  public String toOpenAi() {
    return switch (this) {
      case endTurn, stopSequence, pauseTurn -> "stop";
      case maxTokens -> "length";
      case toolUse -> "tool_calls";
      case contentFilter, refusal -> "content_filter";
    };
  }

  /** From a chat {@code finish_reason}; null or unknown reads as a normal end. */
  public static StopReason fromOpenAi(String finishReason) {
    if (finishReason == null) {
      return endTurn;
    }
    return switch (finishReason) {
      case "length" -> maxTokens;
      case "tool_calls", "function_call" -> toolUse;
      case "content_filter" -> contentFilter;
      default -> endTurn;
    };
  }

  /** Messages' {@code stop_reason}; a content filter is what Anthropic calls a refusal. */
  public String toAnthropic() {
    return switch (this) {
      case endTurn -> "end_turn";
      case maxTokens -> "max_tokens";
      case stopSequence -> "stop_sequence";
      case toolUse -> "tool_use";
      case pauseTurn -> "pause_turn";
      case contentFilter, refusal -> "refusal";
    };
  }

  public static StopReason fromAnthropic(String stopReason) {
    if (stopReason == null) {
      return endTurn;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> maxTokens;
      case "stop_sequence" -> stopSequence;
      case "tool_use" -> toolUse;
      case "pause_turn" -> pauseTurn;
      case "refusal" -> refusal;
      default -> endTurn;
    };
  }
}
