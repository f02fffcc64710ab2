package io.beastmode.operator.resolved;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Model;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.operator.RouterKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * An LLMRouter with everything it references resolved: its pools in spec order and its regions in
 * placement order. Built once per reconcile; every desired-state builder reads from it.
 */
public record ResolvedRouter(LLMRouter router, List<ModelPool> pools, List<Region> regions) {

  /** The outcome of resolving an LLMRouter's references. */
  public sealed interface Resolution permits Resolved, Unresolved {}

  public record Resolved(ResolvedRouter router) implements Resolution {}

  /** A reference that cannot be resolved, with a CamelCase reason and a message naming it. */
  public record Unresolved(String reason, String message) implements Resolution {}

  public static Resolution resolve(
      LLMRouter router,
      Function<String, Optional<ModelPool>> poolByName,
      Function<String, Optional<Region>> regionByName) {
    var spec = router.getSpec();
    String namespace = router.getMetadata().getNamespace();

    var pools = lookupAll(spec.modelPools.stream().map(ref -> ref.name).toList(), poolByName);
    if (!pools.missing().isEmpty()) {
      return new Unresolved(
          "ModelPoolNotFound",
          "spec.modelPools: ModelPool "
              + String.join(", ", pools.missing())
              + " not found in namespace "
              + namespace);
    }
    var regions =
        lookupAll(spec.regions.stream().map(placement -> placement.name).toList(), regionByName);
    if (!regions.missing().isEmpty()) {
      return new Unresolved(
          "RegionNotFound",
          "spec.regions: Region " + String.join(", ", regions.missing()) + " not found");
    }

    Set<String> modelNames = new HashSet<>();
    for (ModelPool pool : pools.found()) {
      for (Model model : pool.getSpec().models) {
        if (!modelNames.add(model.name)) {
          return new Unresolved(
              "DuplicateModel",
              "model " + model.name + " is offered by more than one of spec.modelPools");
        }
      }
    }
    var unknown = spec.fallback.chain.stream().filter(m -> !modelNames.contains(m)).toList();
    if (!unknown.isEmpty()) {
      return new Unresolved(
          "UnknownFallbackModel",
          "spec.fallback.chain: "
              + String.join(", ", unknown)
              + " is not a model of spec.modelPools");
    }
    return new Resolved(new ResolvedRouter(router, pools.found(), regions.found()));
  }

  private record Found<T>(List<T> found, List<String> missing) {}

  private static <T> Found<T> lookupAll(List<String> names, Function<String, Optional<T>> byName) {
    var found = new ArrayList<T>();
    var missing = new ArrayList<String>();
    for (String name : names) {
      byName.apply(name).ifPresentOrElse(found::add, () -> missing.add(name));
    }
    return new Found<>(found, missing);
  }

  public RouterKey key() {
    return RouterKey.of(router);
  }

  public String namespace() {
    return router.getMetadata().getNamespace();
  }

  public String name() {
    return router.getMetadata().getName();
  }

  public RegionPlacement placement(String region) {
    return router.getSpec().regions.stream()
        .filter(p -> p.name.equals(region))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("router is not placed in region " + region));
  }

  public String namespaceIn(Region region) {
    return namespaceIn(router, region);
  }

  /**
   * The namespace an LLMRouter's routers run in within a region's cluster: the Region's, or the
   * router's own.
   */
  public static String namespaceIn(LLMRouter router, Region region) {
    String routerNamespace = region.getSpec().routerNamespace;
    return routerNamespace != null ? routerNamespace : router.getMetadata().getNamespace();
  }
}
