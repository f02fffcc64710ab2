package io.beastmode.router.select;

import io.beastmode.wire.ModelRoute;

/** USD prices of calls: list price per million tokens times tokens. */
public final class Pricing {
  private Pricing() {}

  public static double costUsd(ModelRoute model, long promptTokens, long completionTokens) {
    return (promptTokens * model.inputPerMillion() + completionTokens * model.outputPerMillion())
        / 1_000_000.0;
  }

  /**
   * The cost of an answer whose input was partly read from or written to the provider's prompt
   * cache: each part at its own price (the input price where the model names none), so cache tokens
   * are billed once, whichever dialect reported them.
   */
  public static double costUsd(
      ModelRoute model, long uncachedInput, long cacheRead, long cacheWrite, long output) {
    double read =
        model.cacheReadPerMillion() == null ? model.inputPerMillion() : model.cacheReadPerMillion();
    double write =
        model.cacheWritePerMillion() == null
            ? model.inputPerMillion()
            : model.cacheWritePerMillion();
    return (uncachedInput * model.inputPerMillion()
            + cacheRead * read
            + cacheWrite * write
            + output * model.outputPerMillion())
        / 1_000_000.0;
  }

  /** What the request is expected to cost on a model before it is sent. */
  public static double expectedCostUsd(ModelRoute model, RequestNeeds needs) {
    return costUsd(model, needs.promptTokens(), needs.expectedOutputTokens());
  }
}
