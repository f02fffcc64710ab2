package io.beastmode.router.dialect;

/**
 * Whether and which tool the model must call.
 *
 * @param name the tool when {@code mode} is {@code tool}, else null
 * @param parallelAllowed false when the caller asked for at most one call per turn
 */
public record ToolChoice(Mode mode, String name, boolean parallelAllowed) {

  /** auto: the model decides; any: it must call some tool; none: no tool; tool: this one. */
  public enum Mode {
    auto,
    any,
    none,
    tool
  }

  public static final ToolChoice AUTO = new ToolChoice(Mode.auto, null, true);

  public ToolChoice withParallelAllowed(boolean allowed) {
    return new ToolChoice(mode, name, allowed);
  }
}
