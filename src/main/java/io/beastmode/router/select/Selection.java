package io.beastmode.router.select;

import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.wire.ModelRoute;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The models to try for one request, in order, with a verdict on every model considered.
 *
 * @param attempts the chosen model first, then its fallbacks; empty when nothing can serve the
 *     request
 * @param policy the policy that ranked the models, null when the client named a model
 * @param mostExpensiveEligible the dearest model that could have served the request, the baseline
 *     of USD saved
 */
public record Selection(
    List<ModelRoute> attempts,
    SelectionPolicy policy,
    ModelRoute mostExpensiveEligible,
    List<Verdict> verdicts) {

  /** True when some model could serve the request but its circuit is open: a 503, not a 400. */
  public boolean blockedByOpenCircuits() {
    return verdicts.stream().anyMatch(v -> Verdict.CIRCUIT_OPEN.equals(v.reason()));
  }

  /** One line for a log or the debug header: the policy and every model's verdict. */
  public String explain() {
    return "policy="
        + (policy == null ? "explicit" : policy.name())
        + " "
        + verdicts.stream().map(Verdict::toString).collect(Collectors.joining(" "));
  }
}
