package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.operator.fleet.RegionClients;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Watches the router objects in each member region's cluster, so that one deleted or changed there
 * wakes its LLMRouter up and is restored. Owner references cannot cross clusters: the objects are
 * selected by the managed-by label and mapped back by their owner annotation. Watches are
 * registered once a region has been written to, and registered again when its client is rebuilt (a
 * rotated kubeconfig Secret), and removed when the region's client is closed for good (its Region
 * deleted). Only objects carrying the managed-by label are listed, watched and cached: a member's
 * other objects, however many, cost the hub nothing; and of those only their metadata is kept.
 */
final class MemberWatches {
  private static final Logger LOG = Logger.getLogger(MemberWatches.class);

  /** The client each region's watches were registered with. */
  private final Map<String, KubernetesClient> watched = new ConcurrentHashMap<>();

  /** The controller's event sources, known once a first region was watched. */
  private volatile EventSourceRetriever<LLMRouter> sources;

  MemberWatches(RegionClients clients) {
    clients.onForget(this::stop);
  }

  void ensure(Context<LLMRouter> context, Region region, KubernetesClient client) {
    String name = region.getMetadata().getName();
    if (region.isLocal() || watched.get(name) == client) {
      return;
    }
    synchronized (this) {
      if (watched.get(name) == client) {
        return;
      }
      var retriever = context.eventSourceRetriever();
      sources = retriever;
      for (var kind : ManagedObjects.KINDS) {
        retriever.dynamicallyDeRegisterEventSource(sourceName(kind, name));
      }
      try {
        for (var kind : ManagedObjects.KINDS) {
          retriever.dynamicallyRegisterEventSource(watch(context, kind, name, client));
        }
        watched.put(name, client);
        LOG.infof("watching router objects in region %s", name);
      } catch (RuntimeException e) {
        // Tried again on the next reconcile that reaches the region.
        LOG.warnf(
            "cannot watch router objects in region %s yet: %s", name, CallFailures.describe(e));
      }
    }
  }

  /** Stops the region's watches and drops what they cached. */
  synchronized void stop(String region) {
    var retriever = sources;
    if (watched.remove(region) == null || retriever == null) {
      return;
    }
    for (var kind : ManagedObjects.KINDS) {
      retriever.dynamicallyDeRegisterEventSource(sourceName(kind, region));
    }
    LOG.infof("stopped watching router objects in region %s", region);
  }

  /** The regions watched now. */
  Set<String> watchedRegions() {
    return Set.copyOf(watched.keySet());
  }

  private static <R extends HasMetadata> InformerEventSource<R, LLMRouter> watch(
      Context<LLMRouter> context, Class<R> kind, String region, KubernetesClient client) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(kind, LLMRouter.class)
            .withName(sourceName(kind, region))
            .withKubernetesClient(client)
            .withLabelSelector(ManagedLabels.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(
                object -> ManagedLabels.ownerOf(object).map(Set::of).orElse(Set.of()))
            .withWatchAllNamespaces()
            .withItemStore(metadataOnly(kind, client))
            .build(),
        context.eventSourceRetriever().eventSourceContextForDynamicRegistration());
  }

  /**
   * A cache entry keeps what maps an object back to its LLMRouter (labels and annotations) and its
   * resourceVersion, not its spec, status or managed fields: nothing reads a member object from the
   * cache (the reconciler reads and writes the live ones), and an entry then costs a few hundred
   * bytes whatever the size of the object, a routing ConfigMap or a Deployment.
   */
  private static <R extends HasMetadata> ItemStore<R> metadataOnly(
      Class<R> kind, KubernetesClient client) {
    return new ReducedStateItemStore<>(
        ReducedStateItemStore.NAME_KEY_STATE,
        kind,
        client.getKubernetesSerialization(),
        "metadata.labels",
        "metadata.annotations");
  }

  private static String sourceName(Class<?> kind, String region) {
    return kind.getSimpleName() + "@" + region;
  }
}
