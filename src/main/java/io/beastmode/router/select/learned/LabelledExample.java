package io.beastmode.router.select.learned;

/**
 * One prompt the selector learns from: its embedding, its length and, per model of the predictor,
 * how good that model's answer was.
 *
 * @param embedding unit-length prompt embedding
 * @param promptChars the prompt's length in characters
 * @param outcomes per model, in the predictor's model order: 1 good, 0 bad, between for a score,
 *     NaN when not known
 */
public record LabelledExample(float[] embedding, int promptChars, double[] outcomes) {

  /** The example of a prompt, encoded here. */
  public static LabelledExample of(PromptEncoder encoder, String prompt, double[] outcomes) {
    return new LabelledExample(encoder.encode(prompt), prompt.length(), outcomes);
  }
}
