package io.beastmode.router.select.policy;

import io.beastmode.router.select.Pricing;
import io.beastmode.router.select.RequestNeeds;
import io.beastmode.wire.ModelRoute;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two models a candidate policy decides between for one request: the cheapest model that can
 * serve it and the one of highest quality score (the dearer on a tie). With more models the others
 * stay fallbacks.
 */
public record TwoTier(ModelRoute weak, ModelRoute strong) {

  /** The pair among {@code attempts}, or empty when one model is both (nothing to decide). */
  public static Optional<TwoTier> of(List<ModelRoute> attempts, RequestNeeds needs) {
    if (attempts.size() < 2) {
      return Optional.empty();
    }
    Comparator<ModelRoute> cheapest =
        Comparator.<ModelRoute>comparingDouble(m -> Pricing.expectedCostUsd(m, needs))
            .thenComparing(ModelRoute::name);
    ModelRoute weak = attempts.stream().min(cheapest).orElseThrow();
    ModelRoute strong =
        attempts.stream()
            .max(
                Comparator.<ModelRoute>comparingDouble(ModelRoute::quality).thenComparing(cheapest))
            .orElseThrow();
    return weak.equals(strong) ? Optional.empty() : Optional.of(new TwoTier(weak, strong));
  }

  /** The cheap model's predicted chance, NaN when the predictor knows nothing of it. */
  public double weakChance(Map<String, Double> chances) {
    return chance(weak, chances);
  }

  /** The strong model's predicted chance, NaN when the predictor knows nothing of it. */
  public double strongChance(Map<String, Double> chances) {
    return chance(strong, chances);
  }

  private static double chance(ModelRoute model, Map<String, Double> chances) {
    Double chance = chances.get(model.name());
    return chance == null ? Double.NaN : chance;
  }
}
