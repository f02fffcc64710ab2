package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.api.v1alpha1.UpstreamKind;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfig;
import io.beastmode.wire.TrafficConfig;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Renders what the routers of one region run: pure, from resolved inputs only. */
public final class RoutingConfigRenderer {

  private RoutingConfigRenderer() {}

  public static RoutingConfig routing(ResolvedRouter inputs, Region region) {
    var spec = inputs.router().getSpec();
    var models = new ArrayList<ModelRoute>();
    for (ModelPool pool : inputs.pools()) {
      for (Model model : pool.getSpec().models) {
        endpointIn(model, region.getMetadata().getName())
            .map(endpoint -> route(pool, model, baseUrl(endpoint, inputs.namespaceIn(region))))
            .ifPresent(models::add);
      }
    }
    return new RoutingConfig(
        inputs.key().toString(),
        region.getMetadata().getName(),
        models,
        spec.selection,
        spec.cache,
        spec.fallback,
        spec.circuitBreaker,
        spec.router);
  }

  /**
   * Peers are the router's other regions that publish an endpoint, with the weights failover gave
   * them; a router forwards only to peers whose weight is above 0. {@code degraded}: an SLO's
   * DegradeModel action is in force.
   */
  public static TrafficConfig traffic(
      ResolvedRouter inputs, Region self, Map<String, Integer> weights, boolean degraded) {
    var peers =
        inputs.regions().stream()
            .filter(r -> !r.getMetadata().getName().equals(self.getMetadata().getName()))
            .filter(r -> r.getSpec().routerEndpoint != null)
            .map(
                r ->
                    new TrafficConfig.Peer(
                        r.getMetadata().getName(),
                        r.getSpec().routerEndpoint,
                        weights.getOrDefault(r.getMetadata().getName(), 0)))
            .toList();
    return new TrafficConfig(peers, degraded);
  }

  /** The environment variable a router reads a credential Secret key from. */
  public static String apiKeyEnv(SecretKeyReference ref) {
    return "BEASTMODE_KEY_"
        + (ref.name + "_" + ref.key).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static ModelRoute route(ModelPool pool, Model model, String baseUrl) {
    return new ModelRoute(
        model.name,
        pool.getMetadata().getName(),
        model.upstreamModel != null ? model.upstreamModel : model.name,
        baseUrl,
        model.credentialsSecretRef == null ? null : apiKeyEnv(model.credentialsSecretRef),
        model.pricing.inputPerMillion,
        model.pricing.outputPerMillion,
        model.quality.score,
        model.quality.domains,
        model.contextWindow,
        model.maxOutputTokens,
        model.capabilities,
        isPlainOpenAi(model.upstream) ? null : model.upstream,
        model.pricing.cacheReadPerMillion,
        model.pricing.cacheWritePerMillion);
  }

  /**
   * An OpenAI endpoint with nothing else set is what a router assumes without an upstream entry:
   * left out, routing.yaml (and so its hash, which rolls the routers) stays as it was before kinds.
   */
  private static boolean isPlainOpenAi(ModelUpstream upstream) {
    return upstream == null
        || (upstream.kind == UpstreamKind.openai
            && upstream.nativeDialects == null
            && upstream.apiVersion == null
            && upstream.deployment == null
            && upstream.anthropicVersion == null
            && upstream.anthropicBetas == null);
  }

  /**
   * A region's own endpoint wins over the '*' entry; a model without either is not offered there.
   */
  private static Optional<ModelEndpoint> endpointIn(Model model, String region) {
    return model.endpoints.stream()
        .filter(e -> region.equals(e.region))
        .findFirst()
        .or(() -> model.endpoints.stream().filter(e -> "*".equals(e.region)).findFirst());
  }

  private static String baseUrl(ModelEndpoint endpoint, String routerNamespace) {
    if (endpoint.url != null) {
      return endpoint.url;
    }
    var service = endpoint.service;
    String namespace = service.namespace != null ? service.namespace : routerNamespace;
    return "http://" + service.name + "." + namespace + ".svc:" + service.port + service.path;
  }
}
