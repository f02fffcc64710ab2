package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.operator.Conditions;
import io.beastmode.operator.Reconciled;
import io.beastmode.operator.RestoreHold;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.access.AccessRules;
import io.beastmode.operator.autoscale.Forecasts;
import io.beastmode.operator.autoscale.ScalingRecorder;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.fleet.RouterUsage;
import io.beastmode.operator.learning.LearnedExamplesReplication;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.resolved.ResolvedRouter.Resolved;
import io.beastmode.operator.resolved.ResolvedRouter.Unresolved;
import io.beastmode.operator.slo.SloActionsInForce;
import io.beastmode.operator.traffic.FailoverRecorder;
import io.beastmode.operator.traffic.GlobalEntryPoints;
import io.beastmode.operator.traffic.HoldReleases;
import io.beastmode.operator.traffic.RouterTraffic;
import io.fabric8.kubernetes.api.model.HasMetadata;
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
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs an LLMRouter's routers in every placed region: resolve references, decide traffic, apply
 * each region's objects, move the global entry point, record failovers and scaling, report status
 * (with the learned selection's policy in force from the routers' heartbeats). Never deletes
 * anything in a region it cannot reach.
 */
@ControllerConfiguration(name = "llmrouter")
public class LLMRouterReconciler implements Reconciler<LLMRouter>, Cleaner<LLMRouter> {
  private static final Logger LOG = Logger.getLogger(LLMRouterReconciler.class);
  static final Duration UNREACHABLE_CLEANUP_RETRY = Duration.ofSeconds(30);

  private final RegionClients clients;
  private final Clock clock;
  private final RouterStatusBuilder statusBuilder;
  private final RouterRegions regions;
  private final FailoverRecorder failovers;
  private final ScalingRecorder scaling;
  private final Forecasts forecasts;
  private final LearnedExamplesReplication learning;
  private final SelectionReports selection;
  private final Reconciled reconciled;

  public LLMRouterReconciler(
      RegionClients clients,
      RouterHeartbeats heartbeats,
      RouterUsage usage,
      RegionRedisClients redis,
      MeterRegistry registry,
      @ConfigProperty(name = "beastmode.router.image") String routerImage,
      LearnedExamplesReplication learning,
      Reconciled reconciled,
      Clock clock) {
    this.clients = clients;
    this.reconciled = reconciled;
    this.clock = clock;
    this.statusBuilder = new RouterStatusBuilder(clock);
    this.regions = new RouterRegions(clients, routerImage, redis, clock);
    this.failovers = new FailoverRecorder(clients.hub(), heartbeats, registry, clock);
    this.scaling = new ScalingRecorder(clients.hub(), registry, clock);
    this.forecasts = new Forecasts(usage, clients.calls(), Forecasts.WAIT);
    this.learning = learning;
    this.selection = new SelectionReports(heartbeats);
  }

  @Override
  public List<EventSource<?, LLMRouter>> prepareEventSources(
      EventSourceContext<LLMRouter> context) {
    return RouterEventSources.all(context);
  }

  @Override
  public UpdateControl<LLMRouter> reconcile(LLMRouter router, Context<LLMRouter> context) {
    if (RestoreHold.held(router)) {
      return UpdateControl.<LLMRouter>noUpdate().rescheduleAfter(RestoreHold.RECHECK);
    }
    var resolution =
        ResolvedRouter.resolve(
            router,
            pool -> lookup(context, ModelPool.class, pool, router.getMetadata().getNamespace()),
            region -> lookup(context, Region.class, region, null));
    if (resolution instanceof Unresolved unresolved) {
      var status = statusBuilder.unresolved(router, unresolved);
      return StatusPatch.ifChanged(router, status, context).rescheduleAfter(NextCheck.NOT_READY);
    }
    var resolved = ((Resolved) resolution).router();
    var examples = new java.util.TreeMap<>(learnedExamples(resolved));
    // Copies are writes to a region's Redis: only where this hub holds the region's Lease.
    examples.keySet().removeIf(region -> !clients.mayWriteRedis(region));
    learning.watch(RouterKey.of(router).toString(), examples);
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    var released = HoldReleases.requested(router);
    var slo = SloActionsInForce.of(objectives(context, router));
    var predictions = forecasts.predict(resolved, clients::reachableClient, now);
    var predicted =
        predictions.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().minReplicas()));
    var traffic = RouterTraffic.decide(resolved, router.getStatus(), released, slo, predicted, now);
    var access = AccessRules.of(router, keys(context, router), now);
    var outcomes = regions.applyAll(resolved, traffic, slo, access, context);
    // The global entry point moves last, once every reachable region has its replicas and weights.
    GlobalEntryPoints.apply(clients.hub(), resolved, traffic.weights());
    var lastFailover = failovers.record(resolved, router.getStatus(), traffic, outcomes, now);
    if (!released.isEmpty()) {
      HoldReleases.clear(clients.hub(), router);
    }
    reconciled.router(RouterKey.of(router).toString(), now);
    var status = statusBuilder.resolved(router, outcomes, traffic, predictions, lastFailover);
    selection.fill(resolved, router.getStatus(), status);
    scaling.record(router, router.getStatus(), status);
    var spec = router.getSpec();
    var next =
        NextCheck.after(
            spec.autoscaling,
            spec.failover,
            traffic,
            Conditions.isTrue(status, Conditions.READY),
            status.regions,
            failovers.converging(status.lastFailover),
            now);
    if (SelectionReports.reported(resolved) && SelectionReports.REFRESH.compareTo(next) < 0) {
      next = SelectionReports.REFRESH; // the routers' figures move with every outcome
    }
    return StatusPatch.ifChanged(router, status, context).rescheduleAfter(next);
  }

  @Override
  public DeleteControl cleanup(LLMRouter router, Context<LLMRouter> context) {
    if (RestoreHold.held(router)) {
      return DeleteControl.defaultDelete(); // a held router never placed anything
    }
    var placed =
        router.getSpec().regions.stream()
            .flatMap(placement -> lookup(context, Region.class, placement.name, null).stream())
            .toList();
    var unreachable = regions.delete(router, placed);
    if (unreachable.isEmpty()) {
      forecasts.forget(RouterKey.of(router));
      learning.forget(RouterKey.of(router).toString());
      return DeleteControl.defaultDelete();
    }
    // Deleting while a region is cut off would orphan its routers; keep the finalizer and retry.
    LOG.warnf(
        "router %s: cleanup waits for unreachable regions %s", RouterKey.of(router), unreachable);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(UNREACHABLE_CLEANUP_RETRY);
  }

  /**
   * Where the learned selection's examples are merged: every placed region with a Redis, under the
   * learned policy; none under another.
   */
  static Map<String, String> learnedExamples(ResolvedRouter resolved) {
    if (resolved.router().getSpec().selection.policy != SelectionPolicy.learned) {
      return Map.of();
    }
    var urls = new java.util.TreeMap<String, String>();
    for (Region region : resolved.regions()) {
      if (region.getSpec().redis != null) {
        urls.put(region.getMetadata().getName(), RedisAddress.of(region.getSpec().redis));
      }
    }
    return urls;
  }

  @SuppressWarnings("unchecked")
  private static List<ApiKey> keys(Context<LLMRouter> context, LLMRouter router) {
    var source =
        (InformerEventSource<ApiKey, LLMRouter>)
            context.eventSourceRetriever().getEventSourceFor(ApiKey.class);
    return source.list(router.getMetadata().getNamespace()).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<ServiceLevelObjective> objectives(
      Context<LLMRouter> context, LLMRouter router) {
    var source =
        (InformerEventSource<ServiceLevelObjective, LLMRouter>)
            context.eventSourceRetriever().getEventSourceFor(ServiceLevelObjective.class);
    return source
        .list(router.getMetadata().getNamespace())
        .filter(slo -> router.getMetadata().getName().equals(slo.getSpec().routerRef.name))
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> Optional<R> lookup(
      Context<LLMRouter> context, Class<R> type, String name, String namespace) {
    var source =
        (InformerEventSource<R, LLMRouter>) context.eventSourceRetriever().getEventSourceFor(type);
    return source.get(new ResourceID(name, namespace));
  }
}
