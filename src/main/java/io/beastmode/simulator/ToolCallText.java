package io.beastmode.simulator;

/** Whether an answer that calls tools also says something, and where. */
public enum ToolCallText {
  /** Only the tool calls. */
  none,
  /** The text first, then the tool calls, as Claude often answers. */
  before,
  /** The tool calls first, then the text. */
  after
}
