package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The LLMRouters and Regions a key's use is read from, from informers: a router placed in a new
 * region wakes the keys that name it. Regions only serve lookups (their probes change them every
 * interval; the key's periodic refresh is soon enough).
 */
final class ApiKeyEventSources {
  private ApiKeyEventSources() {}

  static List<EventSource<?, ApiKey>> all(EventSourceContext<ApiKey> context) {
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(LLMRouter.class, ApiKey.class)
                .withSecondaryToPrimaryMapper(router -> keysNaming(context, router))
                .withOnUpdateFilter(
                    (updated, old) ->
                        !Objects.equals(
                            updated.getMetadata().getGeneration(),
                            old.getMetadata().getGeneration()))
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Region.class, ApiKey.class)
                .withSecondaryToPrimaryMapper(region -> Set.of())
                .build(),
            context));
  }

  /** The Regions the key's routers are placed in, each once. */
  @SuppressWarnings("unchecked")
  static List<Region> regions(Context<ApiKey> context, ApiKey key) {
    var routers =
        (InformerEventSource<LLMRouter, ApiKey>)
            context.eventSourceRetriever().getEventSourceFor(LLMRouter.class);
    var regions =
        (InformerEventSource<Region, ApiKey>)
            context.eventSourceRetriever().getEventSourceFor(Region.class);
    String namespace = key.getMetadata().getNamespace();
    return key.getSpec().routers.stream()
        .flatMap(ref -> routers.get(new ResourceID(ref.name, namespace)).stream())
        .flatMap(router -> router.getSpec().regions.stream())
        .map(placement -> placement.name)
        .distinct()
        .flatMap(name -> regions.get(new ResourceID(name)).stream())
        .toList();
  }

  private static Set<ResourceID> keysNaming(EventSourceContext<ApiKey> context, LLMRouter router) {
    String name = router.getMetadata().getName();
    return context
        .getPrimaryCache()
        .list(router.getMetadata().getNamespace())
        .filter(key -> key.getSpec().routers.stream().anyMatch(ref -> ref.name.equals(name)))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
