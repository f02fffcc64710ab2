package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.fleet.ManagedObjects;
import io.beastmode.fleet.RegionClients;
import io.beastmode.fleet.RouterHeartbeats;
import io.beastmode.fleet.RouterUsage;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.StatusPatch;
import io.beastmode.operator.failover.FailoverMachine;
import io.beastmode.operator.failover.FailoverPlan;
import io.beastmode.operator.router.RouterInputs.Resolved;
import io.beastmode.operator.router.RouterInputs.Unresolved;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
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
  static final Duration IDLE_RECHECK = Duration.ofMinutes(5);
  static final Duration CONVERGE_RECHECK = Duration.ofSeconds(1);
  static final Duration RELEASE_RECHECK = Duration.ofSeconds(5);
  static final Duration STARTING_RECHECK = Duration.ofSeconds(2);
  static final Duration UNREACHABLE_CLEANUP_RETRY = Duration.ofSeconds(30);
  static final Duration FORECAST_RECHECK = Forecasts.REFRESH;

  /** The name KEDA gives the HPA it creates for a ScaledObject. */
  static final String KEDA_HPA_PREFIX = "keda-hpa-";

  /** An operator releases regions from a flap hold by listing them here, comma-separated. */
  public static final String RELEASE_ANNOTATION = "beastmode.io/release-regions";

  private final RegionClients clients;
  private final String routerImage;
  private final Clock clock;
  private final RouterStatusBuilder statusBuilder;
  private final FailoverRecorder failovers;
  private final ScalingRecorder scaling;
  private final Forecasts forecasts;
  private final MemberWatches memberWatches = new MemberWatches();

  public LLMRouterReconciler(
      RegionClients clients,
      RouterHeartbeats heartbeats,
      RouterUsage usage,
      MeterRegistry registry,
      @ConfigProperty(name = "beastmode.router.image") String routerImage,
      Clock clock) {
    this.clients = clients;
    this.routerImage = routerImage;
    this.clock = clock;
    this.statusBuilder = new RouterStatusBuilder(clock);
    this.failovers = new FailoverRecorder(clients.hub(), heartbeats, registry, clock);
    this.scaling = new ScalingRecorder(clients.hub(), registry);
    this.forecasts = new Forecasts(usage);
  }

  @Override
  public List<EventSource<?, LLMRouter>> prepareEventSources(
      EventSourceContext<LLMRouter> context) {
    return RouterEventSources.all(context);
  }

  @Override
  public UpdateControl<LLMRouter> reconcile(LLMRouter router, Context<LLMRouter> context) {
    var resolution =
        RouterInputs.resolve(
            router,
            pool -> lookup(context, ModelPool.class, pool, router.getMetadata().getNamespace()),
            region -> lookup(context, Region.class, region, null));
    if (resolution instanceof Unresolved unresolved) {
      var status = statusBuilder.unresolved(router, unresolved);
      return StatusPatch.ifChanged(router, status, context).rescheduleAfter(NOT_READY_RECHECK);
    }
    var inputs = ((Resolved) resolution).inputs();
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    var released = releaseRequests(router);
    var slo = SloDirectives.of(objectives(context, router));
    var predictions = forecasts.predict(inputs, this::reachableClient, now);
    var predicted =
        predictions.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().minReplicas()));
    var traffic = RouterTraffic.decide(inputs, router.getStatus(), released, slo, predicted, now);
    var outcomes =
        inputs.regions().stream()
            .map(region -> reconcileRegion(inputs, region, traffic, slo, context))
            .toList();
    // The global entry point moves last, once every reachable region has its replicas and weights.
    GlobalEntryPoints.apply(clients.hub(), inputs, traffic.weights());
    var lastFailover = failovers.record(inputs, router.getStatus(), traffic, outcomes, now);
    if (!released.isEmpty()) {
      clearReleaseRequests(router);
    }
    var status = statusBuilder.resolved(router, outcomes, traffic, predictions, lastFailover);
    scaling.record(router, router.getStatus(), status);
    var control = StatusPatch.ifChanged(router, status, context);
    return control.rescheduleAfter(nextCheck(inputs, traffic, status, now));
  }

  /**
   * Soonest of: the next failback step, a convergence check, a forecast refresh, a not-ready
   * re-check.
   */
  private Duration nextCheck(
      RouterInputs inputs, FailoverPlan.Result traffic, LLMRouterStatus status, Instant now) {
    Duration next = statusBuilder.allReady(status) ? IDLE_RECHECK : NOT_READY_RECHECK;
    var autoscaling = inputs.router().getSpec().autoscaling;
    if (autoscaling.enabled && autoscaling.predictive && FORECAST_RECHECK.compareTo(next) < 0) {
      next = FORECAST_RECHECK;
    }
    if (failovers.converging(status.lastFailover)) {
      next = CONVERGE_RECHECK;
    }
    if (status.regions.stream()
            .anyMatch(
                r ->
                    r.trafficStage == TrafficStage.Starting
                        && RouterTraffic.capacityReady(Optional.of(r)))
        && STARTING_RECHECK.compareTo(next) < 0) {
      // A starting region's routers are ready: the next pass reads that from status and lets
      // traffic in.
      next = STARTING_RECHECK;
    }
    if (traffic.states().values().stream().anyMatch(s -> s.stage() == TrafficStage.HeldOut)
        && RELEASE_RECHECK.compareTo(next) < 0) {
      // A release is an annotation, which does not change the generation and so wakes nothing up.
      next = RELEASE_RECHECK;
    }
    for (var state : traffic.states().values()) {
      var at = FailoverMachine.nextTimedChange(state, inputs.router().getSpec().failover);
      if (at != null) {
        var until = Duration.between(now, at).plusMillis(50);
        if (until.compareTo(next) < 0) {
          next = until.isNegative() ? Duration.ofMillis(50) : until;
        }
      }
    }
    return next;
  }

  private static Set<String> releaseRequests(LLMRouter router) {
    var annotations = router.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(RELEASE_ANNOTATION);
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  /**
   * A release is acted on once; the annotation goes so a later hold needs a new release. A merge
   * patch without a resourceVersion, so the operator's own status writes cannot make it conflict.
   */
  private void clearReleaseRequests(LLMRouter router) {
    try {
      clients
          .hub()
          .resources(LLMRouter.class)
          .inNamespace(router.getMetadata().getNamespace())
          .withName(router.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"" + RELEASE_ANNOTATION + "\":null}}}");
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "router %s/%s: could not remove %s: %s",
          router.getMetadata().getNamespace(),
          router.getMetadata().getName(),
          RELEASE_ANNOTATION,
          e.getMessage());
    }
  }

  private RegionOutcome reconcileRegion(
      RouterInputs inputs,
      Region region,
      FailoverPlan.Result traffic,
      SloDirectives slo,
      Context<LLMRouter> context) {
    String name = region.getMetadata().getName();
    var client = reachableClient(region);
    if (client.isEmpty()) {
      return RegionOutcome.unreachable(region);
    }
    try {
      boolean autoscaling = inputs.router().getSpec().autoscaling.enabled;
      boolean keda = autoscaling && ManagedObjects.kedaInstalled(client.get());
      var desired =
          RouterResources.desired(
              inputs, region, region.isLocal(), routerImage, traffic, keda, slo.degraded());
      List<HasMetadata> applied =
          ManagedObjects.apply(
              client.get(), inputs.namespaceIn(region), ownerLabel(inputs.router()), desired);
      memberWatches.ensure(context, region, client.get());
      String autoscaler = !autoscaling ? null : keda ? "ScaledObject" : "HorizontalPodAutoscaler";
      return RegionOutcome.applied(
          region,
          applied,
          autoscaler,
          autoscalerStatus(client.get(), inputs, region, applied, keda));
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "applying router %s/%s in region %s failed: %s",
          inputs.namespace(), inputs.name(), name, e.getMessage());
      return RegionOutcome.failed(region, e.getMessage());
    }
  }

  /** The HPA's status as applied, or that of the HPA KEDA made for the ScaledObject. */
  private static HorizontalPodAutoscalerStatus autoscalerStatus(
      KubernetesClient client,
      RouterInputs inputs,
      Region region,
      List<HasMetadata> applied,
      boolean keda) {
    if (keda) {
      var hpa =
          client
              .autoscaling()
              .v2()
              .horizontalPodAutoscalers()
              .inNamespace(inputs.namespaceIn(region))
              .withName(KEDA_HPA_PREFIX + inputs.name())
              .get();
      return hpa == null ? null : hpa.getStatus();
    }
    return applied.stream()
        .filter(HorizontalPodAutoscaler.class::isInstance)
        .map(o -> ((HorizontalPodAutoscaler) o).getStatus())
        .findFirst()
        .orElse(null);
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
          ManagedObjects.deleteAll(
              client.get(), RouterInputs.namespaceIn(router, region.get()), ownerLabel(router));
        }
      } catch (KubernetesClientException e) {
        unreachable.add(placement.name);
      }
    }
    if (unreachable.isEmpty()) {
      forecasts.forget(router.getMetadata().getNamespace(), router.getMetadata().getName());
      return DeleteControl.defaultDelete();
    }
    // Deleting while a region is cut off would orphan its routers; keep the finalizer and retry.
    LOG.warnf(
        "router %s/%s: cleanup waits for unreachable regions %s",
        router.getMetadata().getNamespace(), router.getMetadata().getName(), unreachable);
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(UNREACHABLE_CLEANUP_RETRY);
  }

  /** A region already probed Unreachable is left alone without reading its Secret or calling it. */
  private Optional<KubernetesClient> reachableClient(Region region) {
    return RouterStatusBuilder.unreachable(region) ? Optional.empty() : clients.clientFor(region);
  }

  static String ownerLabel(LLMRouter router) {
    return ManagedLabels.ownerLabelValue(
        router.getMetadata().getNamespace(), router.getMetadata().getName());
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
