package io.beastmode.router.select;

/**
 * What selection concluded about one model, so a decision can be explained.
 *
 * @param model the model's name
 * @param outcome chosen, fallback (tried after the chosen one fails), lost, or excluded
 * @param reason why, in a few words
 */
public record Verdict(String model, Outcome outcome, String reason) {

  /** The reason of a model skipped because its circuit breaker refuses calls. */
  public static final String CIRCUIT_OPEN = "circuit open";

  public enum Outcome {
    chosen,
    fallback,
    lost,
    excluded
  }

  @Override
  public String toString() {
    return model + "=" + outcome + "(" + reason + ")";
  }
}
