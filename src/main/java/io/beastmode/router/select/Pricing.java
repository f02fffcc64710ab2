package io.beastmode.router.select;

import io.beastmode.wire.ModelRoute;

/** USD prices of calls: list price per million tokens times tokens. */
public final class Pricing {
  private Pricing() {}

  public static double costUsd(ModelRoute model, long promptTokens, long completionTokens) {
    return (promptTokens * model.inputPerMillion() + completionTokens * model.outputPerMillion())
        / 1_000_000.0;
  }

  /** What the request is expected to cost on a model before it is sent. */
  public static double expectedCostUsd(ModelRoute model, RequestNeeds needs) {
    return costUsd(model, needs.promptTokens(), needs.expectedOutputTokens());
  }
}
