package io.beastmode.router.select.policy;

import java.util.regex.Pattern;

/**
 * What a request's shape says about how hard it is, read without a model: the prompt's length and
 * structure (code, maths, a multiple-choice question), the number of turns, tools, and the answer
 * length the client asked for. Cheap (a few regular expressions over the prompt), so every request
 * under the learned policy computes it.
 *
 * @param chars characters of the prompt text (the user turns)
 * @param code the prompt holds source code (a fenced block or several code-like lines)
 * @param maths the prompt holds a formula (LaTeX, arithmetic between numbers, maths symbols)
 * @param multipleChoice the prompt lists lettered options (A. B. C. ...)
 * @param turns user turns in the conversation
 * @param tools the request offers tools
 * @param requestedOutput the answer limit the client set, 0 when none
 */
public record PromptFeatures(
    int chars,
    boolean code,
    boolean maths,
    boolean multipleChoice,
    int turns,
    boolean tools,
    int requestedOutput) {

  private static final Pattern FENCE = Pattern.compile("```|~~~");
  private static final Pattern CODE_LINE =
      Pattern.compile(
          "(?m)^\\s*(def |class |import |from \\S+ import|#include|public |private |function |"
              + "return |for ?\\(|while ?\\(|if ?\\(|[A-Za-z_][A-Za-z0-9_.]*\\(.*\\);\\s*$|\\}\\s*$)");
  private static final Pattern MATHS =
      Pattern.compile(
          "\\$[^$\\n]+\\$|\\\\(frac|sqrt|int|sum|cdot|times|le|ge|pi)\\b|\\d\\s*[-+*/^=<>]\\s*[-\\d(]"
              + "|[∫√≤≥≠∑π∞]|\\b(sqrt|log|sin|cos|mod)\\s*\\(");
  private static final Pattern OPTION = Pattern.compile("(?m)^\\s*\\(?[A-Ea-e][.)]\\s");

  /** The features of a prompt text and the request around it. */
  public static PromptFeatures of(String text, int turns, boolean tools, int requestedOutput) {
    return new PromptFeatures(
        text.length(),
        FENCE.matcher(text).find() || count(CODE_LINE, text) >= 2,
        MATHS.matcher(text).find(),
        count(OPTION, text) >= 2,
        Math.max(1, turns),
        tools,
        Math.max(0, requestedOutput));
  }

  /** The prompt's length on a log scale: what the length rule ranks by. */
  public double logLength() {
    return Math.log1p(chars);
  }

  /**
   * The static rule's score: one point for each sign of a demanding request (code, maths, tools,
   * more than one turn, a long requested answer), the prompt's length breaking ties.
   */
  public double structureScore() {
    double points =
        (code ? 1 : 0)
            + (maths ? 1 : 0)
            + (tools ? 1 : 0)
            + (turns > 1 ? 1 : 0)
            + (requestedOutput >= 1024 ? 1 : 0);
    return points + logLength() / 100;
  }

  private static int count(Pattern pattern, String text) {
    var matcher = pattern.matcher(text);
    int found = 0;
    while (found < 2 && matcher.find()) {
      found++;
    }
    return found;
  }
}
