package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.fleet.ManagedObjects;
import io.beastmode.fleet.RegionClients;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.router.RouterInputs.Resolved;
import io.beastmode.operator.router.RouterInputs.Unresolved;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs an LLMRouter's routers in every placed region: resolve references, apply each region's
 * objects, report per-region status. Never deletes anything in a region it cannot reach.
 */
@ControllerConfiguration(name = "llmrouter")
public class LLMRouterReconciler implements Reconciler<LLMRouter>, Cleaner<LLMRouter> {
  private static final Logger LOG = Logger.getLogger(LLMRouterReconciler.class);
  static final Duration NOT_READY_RECHECK = Duration.ofSeconds(10);
  static final Duration UNREACHABLE_CLEANUP_RETRY = Duration.ofSeconds(30);

  private final RegionClients clients;
  private final String routerImage;
  private final RouterStatusBuilder statusBuilder;

  public LLMRouterReconciler(
      RegionClients clients, @ConfigProperty(name = "beastmode.router.image") String routerImage, Clock clock) {
    this.clients = clients;
    this.routerImage = routerImage;
    this.statusBuilder = new RouterStatusBuilder(clock);
  }

  @Override
  public List<EventSource<?, LLMRouter>> prepareEventSources(EventSourceContext<LLMRouter> context) {
    return RouterEventSources.all(context);
  }

  @Override
  public UpdateControl<LLMRouter> reconcile(LLMRouter router, Context<LLMRouter> context) {
    var resolution =
        RouterInputs.resolve(
            router,
            pool -> lookup(context, ModelPool.class, pool, router.getMetadata().getNamespace()),
            region -> lookup(context, Region.class, region, null));
    LLMRouterStatus status;
    if (resolution instanceof Unresolved unresolved) {
      status = statusBuilder.unresolved(router, unresolved);
    } else {
      var inputs = ((Resolved) resolution).inputs();
      var outcomes = inputs.regions().stream().map(region -> reconcileRegion(inputs, region)).toList();
      status = statusBuilder.resolved(router, outcomes);
    }
    var control = StatusPatch.ifChanged(router, status);
    return statusBuilder.allReady(status) ? control : control.rescheduleAfter(NOT_READY_RECHECK);
  }

  private RegionOutcome reconcileRegion(RouterInputs inputs, Region region) {
    String name = region.getMetadata().getName();
    var client = reachableClient(region);
    if (client.isEmpty()) {
      return RegionOutcome.unreachable(region);
    }
    var desired = RouterResources.desired(inputs, region, region.isLocal(), routerImage);
    try {
      List<HasMetadata> applied =
          ManagedObjects.apply(client.get(), inputs.namespaceIn(region), ownerLabel(inputs.router()), desired);
      return RegionOutcome.applied(region, applied);
    } catch (KubernetesClientException e) {
      LOG.warnf("applying router %s/%s in region %s failed: %s", inputs.namespace(), inputs.name(), name, e.getMessage());
      return RegionOutcome.failed(region, e.getMessage());
    }
  }

  @Override
  public DeleteControl cleanup(LLMRouter router, Context<LLMRouter> context) {
    var unreachable = new ArrayList<String>();
    for (var placement : router.getSpec().regions) {
      var region = lookup(context, Region.class, placement.name, null);
      if (region.isEmpty()) {
        continue;
      }
      var client = reachableClient(region.get());
      try {
        if (client.isEmpty()) {
          unreachable.add(placement.name);
        } else {
          ManagedObjects.deleteAll(client.get(), RouterInputs.namespaceIn(router, region.get()), ownerLabel(router));
        }
      } catch (KubernetesClientException e) {
        unreachable.add(placement.name);
      }
    }
    if (unreachable.isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    // Deleting while a region is cut off would orphan its routers; keep the finalizer and retry.
    LOG.warnf("router %s/%s: cleanup waits for unreachable regions %s", router.getMetadata().getNamespace(), router.getMetadata().getName(), unreachable);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(UNREACHABLE_CLEANUP_RETRY);
  }

  /** A region already probed Unreachable is left alone without reading its Secret or calling it. */
  private Optional<KubernetesClient> reachableClient(Region region) {
    return RouterStatusBuilder.unreachable(region) ? Optional.empty() : clients.clientFor(region);
  }

  static String ownerLabel(LLMRouter router) {
    return ManagedLabels.ownerLabelValue(router.getMetadata().getNamespace(), router.getMetadata().getName());
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Optional<R> lookup(
      Context<LLMRouter> context, Class<R> type, String name, String namespace) {
    var source = (InformerEventSource<R, LLMRouter>) context.eventSourceRetriever().getEventSourceFor(type);
    return source.get(new ResourceID(name, namespace));
  }
}
