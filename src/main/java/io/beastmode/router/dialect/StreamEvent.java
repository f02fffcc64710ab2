package io.beastmode.router.dialect;

/**
 * One event of a streamed answer. The events obey Anthropic's Messages grammar whatever the
 * upstream sent: one MessageStart; blocks one at a time with indices 0, 1, 2... (BlockStart, its
 * deltas, BlockStop); one MessageDelta; MessageStop. A StreamError may end the stream anywhere.
 */
public sealed interface StreamEvent {

  /**
   * @param usage what is known when the answer starts: the input, reported or estimated
   */
  record MessageStart(String id, String model, TokenUsage usage) implements StreamEvent {}

  /**
   * A block opens. {@code block} says its kind and what is known at once: the id and name of a tool
   * use (with an empty input), the data of redacted thinking; text and thinking start empty.
   */
  record BlockStart(int index, Block block) implements StreamEvent {}

  /** More of the open block: text, a piece of a tool's JSON arguments, thinking or a signature. */
  record BlockDelta(int index, Kind kind, String value) implements StreamEvent {
    public enum Kind {
      text,
      partialJson,
      thinking,
      signature
    }
  }

  record BlockStop(int index) implements StreamEvent {}

  /** The end of the content: why, and the usage of the whole answer (cumulative, final). */
  record MessageDelta(StopReason stopReason, String stopSequence, TokenUsage usage)
      implements StreamEvent {}

  record MessageStop() implements StreamEvent {}

  /**
   * The upstream failed after the answer had started.
   *
   * @param errorType Anthropic's error type ({@code overloaded_error}, {@code api_error}, ...)
   */
  record StreamError(String errorType, String message) implements StreamEvent {}
}
