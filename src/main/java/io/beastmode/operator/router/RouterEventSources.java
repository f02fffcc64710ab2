package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.fleet.ManagedObjects;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What wakes an LLMRouter up: its pools, its regions, its objectives, the keys naming it, and the
 * objects it owns in the hub.
 */
final class RouterEventSources {

  private RouterEventSources() {}

  static List<EventSource<?, LLMRouter>> all(EventSourceContext<LLMRouter> context) {
    var sources = new ArrayList<EventSource<?, LLMRouter>>();
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ModelPool.class, LLMRouter.class)
                .withSecondaryToPrimaryMapper(pool -> routersUsingPool(context, pool))
                .build(),
            context));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Region.class, LLMRouter.class)
                .withSecondaryToPrimaryMapper(region -> routersInRegion(context, region))
                .withOnUpdateFilter(RouterEventSources::regionChangeMatters)
                .build(),
            context));
    // An objective's actions (status) change what its router runs.
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ServiceLevelObjective.class, LLMRouter.class)
                .withSecondaryToPrimaryMapper(
                    slo ->
                        Set.of(
                            new ResourceID(
                                slo.getSpec().routerRef.name, slo.getMetadata().getNamespace())))
                .build(),
            context));
    // A key's values (status) and the routers it names go into their keys files.
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ApiKey.class, LLMRouter.class)
                .withSecondaryToPrimaryMapper(
                    key ->
                        key.getSpec().routers.stream()
                            .map(ref -> new ResourceID(ref.name, key.getMetadata().getNamespace()))
                            .collect(Collectors.toSet()))
                .build(),
            context));
    for (var kind : ManagedObjects.KINDS) {
      sources.add(ownedObjects(context, kind));
    }
    return sources;
  }

  private static <R extends HasMetadata> EventSource<R, LLMRouter> ownedObjects(
      EventSourceContext<LLMRouter> context, Class<R> kind) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(kind, LLMRouter.class)
            .withLabelSelector(ManagedLabels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(
                object -> ManagedLabels.ownerOf(object).map(Set::of).orElse(Set.of()))
            .withWatchAllNamespaces()
            .build(),
        context);
  }

  private static Set<ResourceID> routersUsingPool(
      EventSourceContext<LLMRouter> context, ModelPool pool) {
    return context
        .getPrimaryCache()
        .list(pool.getMetadata().getNamespace())
        .filter(
            r ->
                r.getSpec().modelPools.stream()
                    .anyMatch(ref -> ref.name.equals(pool.getMetadata().getName())))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> routersInRegion(
      EventSourceContext<LLMRouter> context, Region region) {
    return context
        .getPrimaryCache()
        .list()
        .filter(
            r ->
                r.getSpec().regions.stream()
                    .anyMatch(p -> p.name.equals(region.getMetadata().getName())))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * Regions write their probe results every interval; routers care only about spec, phase and
   * serving.
   */
  private static boolean regionChangeMatters(Region updated, Region old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(phase(updated), phase(old))
        || !Objects.equals(serving(updated), serving(old));
  }

  private static Object phase(Region region) {
    return region.getStatus() == null ? null : region.getStatus().phase;
  }

  private static Object serving(Region region) {
    return region.getStatus() == null ? null : region.getStatus().serving;
  }
}
