package io.beastmode.router.select;

import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.router.select.Verdict.Outcome;
import io.beastmode.wire.ModelRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the models to try for a request. Pure: the same inputs give the same selection, and a
 * decision over a handful of models takes microseconds (no I/O, no locks).
 *
 * <p>Models that cannot serve the request (capabilities, context window, output limit) are excluded
 * first; an alias then ranks the rest by the policy, a concrete model name is taken as asked. The
 * configured fallback chain follows the chosen model; without a chain, an alias falls back to the
 * next-ranked models.
 */
public final class ModelSelector {
  private ModelSelector() {}

  public static Selection select(
      String requested,
      List<ModelRoute> models,
      SelectionSpec spec,
      List<String> fallbackChain,
      RequestNeeds needs,
      BackendView backends) {
    return select(requested, models, spec, fallbackChain, needs, backends, Map.of());
  }

  /**
   * As above; under the learned policy {@code predictedChance} holds each model's predicted chance
   * of a good answer to this prompt (a model missing from it counts at its quality score).
   */
  public static Selection select(
      String requested,
      List<ModelRoute> models,
      SelectionSpec spec,
      List<String> fallbackChain,
      RequestNeeds needs,
      BackendView backends,
      Map<String, Double> predictedChance) {
    boolean alias = spec.aliases.contains(requested);
    SelectionPolicy policy = spec.policy;
    Chances chances = new Chances(predictedChance, spec.learnedThreshold);
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    List<ModelRoute> fit = new ArrayList<>();
    for (ModelRoute model : models) {
      String unfit = unfitReason(model, needs);
      if (unfit != null) {
        verdicts.put(model.name(), new Verdict(model.name(), Outcome.excluded, unfit));
      } else {
        fit.add(model);
      }
    }

    List<ModelRoute> eligible = new ArrayList<>();
    ModelRoute mostExpensive = null;
    for (ModelRoute model : fit) {
      String ineligible = alias ? policyExclusion(model, spec, policy, needs) : null;
      if (!alias && !model.name().equals(requested)) {
        continue;
      }
      if (ineligible != null) {
        verdicts.put(model.name(), new Verdict(model.name(), Outcome.excluded, ineligible));
        continue;
      }
      if (mostExpensive == null
          || Pricing.expectedCostUsd(model, needs)
              > Pricing.expectedCostUsd(mostExpensive, needs)) {
        mostExpensive = model;
      }
      if (backends.coolingDown(model.name())) {
        verdicts.put(
            model.name(), new Verdict(model.name(), Outcome.excluded, Verdict.CIRCUIT_OPEN));
        continue;
      }
      eligible.add(model);
    }

    List<ModelRoute> ranked = rank(eligible, spec, policy, needs, backends, chances);
    List<ModelRoute> attempts = new ArrayList<>();
    if (!ranked.isEmpty()) {
      ModelRoute chosen = ranked.get(0);
      attempts.add(chosen);
      verdicts.put(
          chosen.name(),
          new Verdict(
              chosen.name(),
              Outcome.chosen,
              alias ? describe(chosen, policy, needs, backends, chances) : "requested"));
      for (int i = 1; i < ranked.size(); i++) {
        ModelRoute loser = ranked.get(i);
        verdicts.put(
            loser.name(),
            new Verdict(
                loser.name(),
                Outcome.lost,
                describe(loser, policy, needs, backends, chances)
                    + " vs "
                    + describe(chosen, policy, needs, backends, chances)));
      }
    }
    List<ModelRoute> fallbacks =
        fallbackChain.isEmpty() && alias ? ranked : chainModels(fallbackChain, fit);
    for (ModelRoute fallback : fallbacks) {
      if (!attempts.contains(fallback) && !backends.coolingDown(fallback.name())) {
        attempts.add(fallback);
        Verdict lost = verdicts.get(fallback.name());
        String why = lost != null && lost.outcome() == Outcome.lost ? ", " + lost.reason() : "";
        verdicts.put(
            fallback.name(),
            new Verdict(fallback.name(), Outcome.fallback, "attempt " + attempts.size() + why));
      }
    }
    for (ModelRoute model : models) {
      verdicts.putIfAbsent(
          model.name(), new Verdict(model.name(), Outcome.excluded, "not requested"));
    }
    return new Selection(
        List.copyOf(attempts),
        alias ? policy : null,
        mostExpensive,
        List.copyOf(verdicts.values()));
  }

  /** Why a model cannot serve the request at all, or null when it can. */
  static String unfitReason(ModelRoute model, RequestNeeds needs) {
    ModelCapabilities caps =
        model.capabilities() == null ? new ModelCapabilities() : model.capabilities();
    if (needs.embeddings() != caps.isEmbeddingModel()) {
      return needs.embeddings() ? "not an embedding model" : "an embedding model";
    }
    if (needs.tools() && !caps.tools) {
      return "no tools";
    }
    if (needs.json() && !caps.json) {
      return "no json mode";
    }
    if (needs.vision() && !caps.vision) {
      return "no vision";
    }
    if (needs.stream() && !caps.streaming) {
      return "no streaming";
    }
    if (needs.maxTokens() > 0
        && model.maxOutputTokens() != null
        && needs.maxTokens() > model.maxOutputTokens()) {
      return "max_tokens " + needs.maxTokens() + " > output limit " + model.maxOutputTokens();
    }
    long tokens = (long) needs.promptTokens() + needs.maxTokens();
    if (tokens > model.contextWindow()) {
      return "needs " + tokens + " tokens > context " + model.contextWindow();
    }
    return null;
  }

  private static String policyExclusion(
      ModelRoute model, SelectionSpec spec, SelectionPolicy policy, RequestNeeds needs) {
    double quality = quality(model, needs);
    if (quality < spec.qualityFloor) {
      return "quality " + quality + " < floor " + spec.qualityFloor;
    }
    if (policy == SelectionPolicy.quality
        && spec.maxOutputPricePerMillion != null
        && model.outputPerMillion() > spec.maxOutputPricePerMillion) {
      return "output price "
          + model.outputPerMillion()
          + " > ceiling "
          + spec.maxOutputPricePerMillion;
    }
    return null;
  }

  private static List<ModelRoute> rank(
      List<ModelRoute> eligible,
      SelectionSpec spec,
      SelectionPolicy policy,
      RequestNeeds needs,
      BackendView backends,
      Chances chances) {
    Comparator<ModelRoute> cheapest =
        Comparator.comparingDouble(m -> Pricing.expectedCostUsd(m, needs));
    Comparator<ModelRoute> order =
        switch (policy) {
          case cost -> cheapest;
          case quality ->
              Comparator.<ModelRoute>comparingDouble(m -> -quality(m, needs))
                  .thenComparing(cheapest);
          case latency ->
              Comparator.<ModelRoute>comparingDouble(m -> knownLatency(m, backends))
                  .thenComparing(cheapest);
          case balanced -> {
            BalancedScore score = new BalancedScore(eligible, spec, needs, backends);
            yield Comparator.<ModelRoute>comparingDouble(m -> -score.of(m)).thenComparing(cheapest);
          }
          case learned -> chances.order(eligible, needs, cheapest);
        };
    List<ModelRoute> ranked = new ArrayList<>(eligible);
    ranked.sort(order.thenComparing(ModelRoute::name));
    return ranked;
  }

  private static List<ModelRoute> chainModels(List<String> chain, List<ModelRoute> fit) {
    List<ModelRoute> models = new ArrayList<>();
    for (String name : chain) {
      fit.stream().filter(m -> m.name().equals(name)).findFirst().ifPresent(models::add);
    }
    return models;
  }

  static double quality(ModelRoute model, RequestNeeds needs) {
    if (needs.domain() != null && model.domainQuality() != null) {
      Double domain = model.domainQuality().get(needs.domain());
      if (domain != null) {
        return domain;
      }
    }
    return model.quality();
  }

  /** Unmeasured models rank as fastest, so each gets measured once before latency decides. */
  private static double knownLatency(ModelRoute model, BackendView backends) {
    double latency = backends.latencyMs(model.name());
    return Double.isNaN(latency) ? 0 : latency;
  }

  private static String describe(
      ModelRoute model,
      SelectionPolicy policy,
      RequestNeeds needs,
      BackendView backends,
      Chances chances) {
    return switch (policy) {
      case cost -> String.format(Locale.ROOT, "usd %.6f", Pricing.expectedCostUsd(model, needs));
      case quality -> "quality " + quality(model, needs);
      case latency -> String.format(Locale.ROOT, "latency %.1fms", knownLatency(model, backends));
      case learned ->
          String.format(
              Locale.ROOT,
              "chance %.3f %s threshold %s usd %.6f",
              chances.of(model, needs),
              chances.of(model, needs) >= chances.threshold ? ">=" : "<",
              chances.threshold,
              Pricing.expectedCostUsd(model, needs));
      case balanced ->
          String.format(
              Locale.ROOT,
              "usd %.6f quality %s latency %.1fms",
              Pricing.expectedCostUsd(model, needs),
              quality(model, needs),
              knownLatency(model, backends));
    };
  }

  /**
   * The learned policy's view: each model's predicted chance of a good answer and the threshold.
   * The cheapest model whose chance reaches the threshold goes first; when none does, the
   * likeliest. The others follow, likeliest first, as fallbacks.
   */
  private record Chances(Map<String, Double> predicted, double threshold) {
    double of(ModelRoute model, RequestNeeds needs) {
      Double chance = predicted.get(model.name());
      return chance == null || chance.isNaN() ? quality(model, needs) : chance;
    }

    Comparator<ModelRoute> order(
        List<ModelRoute> eligible, RequestNeeds needs, Comparator<ModelRoute> cheapest) {
      ModelRoute first =
          eligible.stream()
              .filter(m -> of(m, needs) >= threshold)
              .min(cheapest.thenComparing(ModelRoute::name))
              .orElse(null);
      Comparator<ModelRoute> likeliest =
          Comparator.<ModelRoute>comparingDouble(m -> -of(m, needs)).thenComparing(cheapest);
      return Comparator.<ModelRoute>comparingInt(m -> m == first ? 0 : 1).thenComparing(likeliest);
    }
  }

  /**
   * The balanced policy's score: each of cost, quality and latency as a share of the best among the
   * eligible models (1 for the best), weighted by the spec.
   */
  private static final class BalancedScore {
    private final SelectionSpec spec;
    private final RequestNeeds needs;
    private final BackendView backends;
    private final double cheapest;
    private final double fastest;

    BalancedScore(
        List<ModelRoute> eligible, SelectionSpec spec, RequestNeeds needs, BackendView backends) {
      this.spec = spec;
      this.needs = needs;
      this.backends = backends;
      this.cheapest =
          eligible.stream().mapToDouble(m -> Pricing.expectedCostUsd(m, needs)).min().orElse(0);
      this.fastest =
          eligible.stream()
              .mapToDouble(m -> backends.latencyMs(m.name()))
              .filter(l -> !Double.isNaN(l))
              .min()
              .orElse(Double.NaN);
    }

    double of(ModelRoute model) {
      double cost = Pricing.expectedCostUsd(model, needs);
      double costScore = cost <= 0 ? 1 : cheapest / cost;
      double latency = backends.latencyMs(model.name());
      double latencyScore =
          Double.isNaN(latency) || Double.isNaN(fastest) || latency <= 0 ? 1 : fastest / latency;
      return spec.weights.cost * costScore
          + spec.weights.quality * quality(model, needs)
          + spec.weights.latency * latencyScore;
    }
  }
}
