package io.beastmode.simulator;

import io.beastmode.simulator.CompletionRequest.ToolSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What a simulated model answers to a request, before any API shapes it: its thinking, its text
 * (before or after its tool calls), the tools it calls, why it stopped and the tokens it used.
 *
 * @param thinking words of the reasoning it shows; empty when not asked or not configured
 * @param text words of its text
 * @param textFirst whether the text comes before the tool calls
 * @param toolCalls the tools it calls, in order
 * @param stop why it stopped
 * @param stopSequence the stop sequence it stopped at, or null
 * @param inputTokens all input tokens, cached or not
 * @param cacheRead those read from the prompt cache
 * @param cacheWrite those written to the prompt cache
 * @param outputTokens thinking, text and tool call tokens
 */
record Reply(
    List<String> thinking,
    List<String> text,
    boolean textFirst,
    List<ToolCall> toolCalls,
    Stop stop,
    String stopSequence,
    int inputTokens,
    int cacheRead,
    int cacheWrite,
    int outputTokens) {

  /** Why an answer ended, to be named in each API's words. */
  enum Stop {
    END,
    STOP_SEQUENCE,
    LENGTH,
    TOOL_CALLS
  }

  /** A call of the tool {@code name} with its arguments as JSON text. */
  record ToolCall(String name, String arguments) {}

  /**
   * Calls tools when the model is scripted to and the request offers some: at the user's turn, and
   * after each round of results until {@code toolCalls} one-at-a-time rounds are done. Otherwise
   * the fixed answer or the echo, cut before the first stop sequence and to max_tokens words.
   */
  static Reply plan(CompletionRequest request, SimulatedModel model) {
    List<String> thinking =
        request.thinking() && model.thinking() != null ? Tokens.words(model.thinking()) : List.of();
    List<String> text = Tokens.words(model.answer() != null ? model.answer() : request.echo());
    List<ToolCall> calls = toolCalls(request, model);
    Stop stop = calls.isEmpty() ? Stop.END : Stop.TOOL_CALLS;
    if (!calls.isEmpty() && model.toolCallText() == ToolCallText.none) {
      text = List.of();
    }
    String stopSequence = null;
    if (calls.isEmpty()) {
      String whole = String.join("", text);
      int at = whole.length();
      for (String sequence : request.stopSequences()) {
        int found = whole.indexOf(sequence);
        if (found >= 0 && found < at) {
          at = found;
          stopSequence = sequence;
        }
      }
      if (stopSequence != null) {
        text = Tokens.words(whole.substring(0, at));
        stop = Stop.STOP_SEQUENCE;
      }
    }
    Integer limit = request.maxTokens();
    if (limit != null && text.size() > limit) {
      text = text.subList(0, limit);
      stop = calls.isEmpty() ? Stop.LENGTH : stop;
      stopSequence = null;
    }
    int output = thinking.size() + text.size();
    for (ToolCall call : calls) {
      output += Tokens.promptTokens(call.name().length() + call.arguments().length());
    }
    int input = request.promptTokens();
    // At least one input token is never cached, as with a real cache: the last message is new.
    int cacheable = Math.max(0, input - 1);
    int cacheRead = Math.min(cacheable, (int) Math.round(input * model.cacheReadShare()));
    int cacheWrite =
        Math.min(cacheable - cacheRead, (int) Math.round(input * model.cacheWriteShare()));
    return new Reply(
        thinking,
        text,
        model.toolCallText() != ToolCallText.after,
        calls,
        stop,
        stopSequence,
        input,
        cacheRead,
        cacheWrite,
        output);
  }

  private static List<ToolCall> toolCalls(CompletionRequest request, SimulatedModel model) {
    List<ToolSpec> tools = request.tools();
    if (model.toolCalls() == 0 || tools.isEmpty()) {
      return List.of();
    }
    boolean parallel = model.parallelToolCalls() && !request.oneToolPerTurn();
    int round = request.afterToolResults() ? request.toolRounds() : 0;
    int count = parallel ? model.toolCalls() : 1;
    if (request.afterToolResults() && (parallel || round >= model.toolCalls())) {
      return List.of();
    }
    var calls = new ArrayList<ToolCall>(count);
    for (int i = 0; i < count; i++) {
      ToolSpec tool = tools.get((round * count + i) % tools.size());
      calls.add(new ToolCall(tool.name(), ToolArguments.forSchema(tool.schema()).toString()));
    }
    return calls;
  }
}
