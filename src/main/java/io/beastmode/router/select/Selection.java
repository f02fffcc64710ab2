package io.beastmode.router.select;

import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.wire.ModelRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
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

  /**
   * This selection with {@code first} tried first and the others after it in their order: what a
   * policy deciding between the cheap and the strong model changes. {@code why} leads the chosen
   * model's reason.
   */
  public Selection leading(ModelRoute first, String why) {
    List<ModelRoute> reordered = new ArrayList<>();
    reordered.add(first);
    attempts.stream().filter(m -> !m.equals(first)).forEach(reordered::add);
    List<Verdict> rewritten = new ArrayList<>();
    for (Verdict v : verdicts) {
      int attempt = indexOf(reordered, v.model());
      String was = ATTEMPT.matcher(v.reason()).replaceFirst("");
      if (attempt == 0) {
        rewritten.add(new Verdict(v.model(), Verdict.Outcome.chosen, why + ", " + was));
      } else if (attempt > 0) {
        rewritten.add(
            new Verdict(
                v.model(), Verdict.Outcome.fallback, "attempt " + (attempt + 1) + ", " + was));
      } else {
        rewritten.add(v);
      }
    }
    return new Selection(List.copyOf(reordered), policy, mostExpensiveEligible, rewritten);
  }

  private static final Pattern ATTEMPT = Pattern.compile("^attempt \\d+(, )?");

  private static int indexOf(List<ModelRoute> models, String name) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** One line for a log or the debug header: the policy and every model's verdict. */
  public String explain() {
    return "policy="
        + (policy == null ? "explicit" : policy.name())
        + " "
        + verdicts.stream().map(Verdict::toString).collect(Collectors.joining(" "));
  }
}
