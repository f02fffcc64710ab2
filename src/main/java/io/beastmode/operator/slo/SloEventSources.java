package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an objective reads besides itself, its router and that router's regions, from informers; and
 * what wakes it: a change to the router its routerRef names, or to a region that router is placed
 * in. Only their specs (and their coming and going) wake it: routers and regions write their status
 * every pass or probe, and the router's replica counts an objective reads from it are taken as they
 * stand at its next evaluation.
 */
final class SloEventSources {

  private SloEventSources() {}

  static List<EventSource<?, ServiceLevelObjective>> all(
      EventSourceContext<ServiceLevelObjective> context) {
    var routers =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(LLMRouter.class, ServiceLevelObjective.class)
                .withSecondaryToPrimaryMapper(router -> objectivesOf(context, router))
                .withOnUpdateFilter(SloEventSources::specChanged)
                .build(),
            context);
    // A region maps to the objectives whose router is placed in it, as the routers' informer has
    // them; a router not there yet wakes its objectives itself when it comes.
    var regions =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Region.class, ServiceLevelObjective.class)
                .withSecondaryToPrimaryMapper(region -> objectivesIn(context, routers, region))
                .withOnUpdateFilter(SloEventSources::specChanged)
                .build(),
            context);
    return List.of(routers, regions);
  }

  /** The objective's router, as its informer has it. */
  static Optional<LLMRouter> router(
      Context<ServiceLevelObjective> context, ServiceLevelObjective slo) {
    return lookup(
        context, LLMRouter.class, slo.getSpec().routerRef.name, slo.getMetadata().getNamespace());
  }

  /** A region by name, as its informer has it. */
  static Optional<Region> region(Context<ServiceLevelObjective> context, String name) {
    return lookup(context, Region.class, name, null);
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Optional<R> lookup(
      Context<ServiceLevelObjective> context, Class<R> type, String name, String namespace) {
    var source =
        (InformerEventSource<R, ServiceLevelObjective>)
            context.eventSourceRetriever().getEventSourceFor(type);
    return source.get(new ResourceID(name, namespace));
  }

  /** Every objective in the router's namespace whose routerRef names it. */
  private static Set<ResourceID> objectivesOf(
      EventSourceContext<ServiceLevelObjective> context, LLMRouter router) {
    return context
        .getPrimaryCache()
        .list(router.getMetadata().getNamespace())
        .filter(slo -> router.getMetadata().getName().equals(slo.getSpec().routerRef.name))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** Every objective whose router is placed in the region. */
  private static Set<ResourceID> objectivesIn(
      EventSourceContext<ServiceLevelObjective> context,
      InformerEventSource<LLMRouter, ServiceLevelObjective> routers,
      Region region) {
    String name = region.getMetadata().getName();
    return context
        .getPrimaryCache()
        .list()
        .filter(
            slo ->
                routers
                    .get(
                        new ResourceID(
                            slo.getSpec().routerRef.name, slo.getMetadata().getNamespace()))
                    .filter(r -> r.getSpec().regions.stream().anyMatch(p -> p.name.equals(name)))
                    .isPresent())
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static <R extends HasMetadata> boolean specChanged(R updated, R old) {
    return !Objects.equals(
        updated.getMetadata().getGeneration(), old.getMetadata().getGeneration());
  }
}
