package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ProbeSignal;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.desired.Autoscaler;
import io.beastmode.operator.desired.RouterResources;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.LastApplied;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.operator.fleet.MemberCallResults;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.resolved.RegionOutcome;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.slo.SloActionsInForce;
import io.beastmode.operator.traffic.TrafficDecision;
import io.beastmode.wire.AccessConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Writes a router's objects into its regions' clusters and removes them again. A region the hub
 * cannot reach is never written to and nothing in it is deleted.
 *
 * <p>Regions are written in parallel, and a reconcile waits for them a bounded time only: a member
 * whose API server accepts connections and never answers is reported as pending while the others
 * are written, and its call goes on in the background until the client's request timeout ends it.
 * At most one call per router and region is in flight, so a hung member holds one thread per
 * router, for at most that timeout.
 */
final class RouterRegions {
  private static final Logger LOG = Logger.getLogger(RouterRegions.class);

  /** How long a reconcile waits for its regions' writes before it reports the rest as pending. */
  static final Duration REGION_WAIT = Duration.ofSeconds(5);

  private final RegionClients clients;
  private final String routerImage;
  private final MemberWatches memberWatches;
  private final RoutingConfigPublisher configPush;
  private final Clock clock;

  private final LastApplied lastApplied = new LastApplied();

  /** The calls still running, by router and region. */
  private final Map<String, CompletableFuture<?>> inFlight = new ConcurrentHashMap<>();

  RouterRegions(RegionClients clients, String routerImage, RegionRedisClients redis, Clock clock) {
    this.clients = clients;
    this.routerImage = routerImage;
    this.memberWatches = new MemberWatches(clients);
    this.configPush = new RoutingConfigPublisher(redis);
    this.clock = clock;
  }

  /** Applies the router in every region it is placed in; the outcomes in the regions' order. */
  List<RegionOutcome> applyAll(
      ResolvedRouter router,
      TrafficDecision traffic,
      SloActionsInForce slo,
      AccessConfig access,
      Context<LLMRouter> context) {
    return inEachRegion(
        router.key(),
        router.regions(),
        region -> apply(router, region, traffic, slo, access, context),
        RegionOutcome::failed);
  }

  RegionOutcome apply(
      ResolvedRouter router,
      Region region,
      TrafficDecision traffic,
      SloActionsInForce slo,
      AccessConfig access,
      Context<LLMRouter> context) {
    var client = clients.reachableClient(region);
    if (client.isEmpty()) {
      return RegionOutcome.unreachable(region);
    }
    try {
      boolean autoscaling = router.router().getSpec().autoscaling.enabled;
      var autoscaler =
          Autoscaler.choose(
              autoscaling,
              autoscaling && ManagedObjects.kedaInstalled(client.get()),
              autoscaling
                  && ManagedObjects.customMetricServed(
                      client.get(), Autoscaler.IN_FLIGHT_RESOURCE));
      var desired =
          RouterResources.desired(router, region, routerImage, traffic, autoscaler, slo, access);
      long now = clock.millis();
      List<HasMetadata> applied;
      try {
        applied = write(client.get(), router, region, desired, now);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Another writer changed the routing ConfigMap since it was listed: count again from it.
        applied = write(client.get(), router, region, desired, now);
      }
      memberWatches.ensure(context, region, client.get());
      var configMap = find(applied, ConfigMap.class);
      configMap.ifPresent(files -> configPush.publish(router.key(), region, files, now));
      return RegionOutcome.applied(
          region,
          find(applied, Deployment.class).orElse(null),
          configMap.map(RoutingConfigMap::configHash).orElse(null),
          configMap.map(RoutingConfigMap::trafficHash).orElse(null),
          autoscaler.kind(),
          autoscalerStatus(client.get(), router, region, applied, autoscaler));
    } catch (KubernetesClientException e) {
      String why = CallFailures.describe(e);
      LOG.warnf(
          "applying router %s in region %s failed: %s",
          router.key(), region.getMetadata().getName(), why);
      return RegionOutcome.failed(region, why);
    }
  }

  /**
   * Deletes the router's objects in every placed region it can reach.
   *
   * @return the regions it could not reach, where the objects stay
   */
  List<String> delete(LLMRouter router, List<Region> regions) {
    var key = RouterKey.of(router);
    var deleted =
        inEachRegion(key, regions, region -> deleteIn(router, key, region), (region, why) -> false);
    var left = new ArrayList<String>();
    for (int i = 0; i < regions.size(); i++) {
      if (!deleted.get(i)) {
        left.add(regions.get(i).getMetadata().getName());
      }
    }
    return left;
  }

  /**
   * Whether a reconcile waits for the region's call, up to {@link #REGION_WAIT}: not when its API
   * server did not answer the last probe. One that hangs would otherwise hold each reconcile of the
   * router for the whole wait until its probes find it unreachable, a failover of another region
   * included.
   */
  static boolean waitsFor(Region region) {
    var status = region.getStatus();
    return status == null
        || status.signals == null
        || status.signals.stream()
            .noneMatch(s -> ProbeSignal.API.equals(s.name) && s.status == ConditionStatus.False);
  }

  /**
   * Runs {@code call} for each region on the member-call threads and waits for them together, at
   * most {@link #REGION_WAIT}, and not at all for a region that {@link #waitsFor} says not to; a
   * region whose call has not returned by then, or whose previous call is still running, gets
   * {@code pending} with the reason.
   */
  private <T> List<T> inEachRegion(
      RouterKey router,
      List<Region> regions,
      Function<Region, T> call,
      BiFunction<Region, String, T> pending) {
    var calls = new ArrayList<CompletableFuture<T>>();
    for (Region region : regions) {
      String slot = router + "@" + region.getMetadata().getName();
      var running = new CompletableFuture<T>();
      if (inFlight.putIfAbsent(slot, running) != null) {
        running.complete(
            pending.apply(region, "the previous call to the region's API server has not answered"));
      } else {
        clients
            .writesTo(region.getMetadata().getName())
            .execute(
                () -> {
                  try {
                    running.complete(call.apply(region));
                  } catch (RuntimeException | Error e) {
                    running.completeExceptionally(e);
                  } finally {
                    inFlight.remove(slot, running);
                  }
                });
      }
      calls.add(running);
    }
    // Regions the reconcile waits for first, then the others, which had that long already.
    long deadline = System.nanoTime() + REGION_WAIT.toNanos();
    var results = new ArrayList<T>(Collections.<T>nCopies(regions.size(), null));
    for (boolean waited : List.of(true, false)) {
      for (int i = 0; i < regions.size(); i++) {
        var region = regions.get(i);
        if (waitsFor(region) != waited) {
          continue;
        }
        String why =
            waited
                ? "the region's API server has not answered within "
                    + REGION_WAIT.toSeconds()
                    + "s; the call goes on until it times out"
                : "the region's API server has not answered its last probe, so no reconcile waits"
                    + " for it; the call goes on until it times out";
        results.set(
            i,
            MemberCallResults.by(calls.get(i), waited ? deadline : System.nanoTime())
                .orElseGet(() -> pending.apply(region, why)));
      }
    }
    return results;
  }

  private boolean deleteIn(LLMRouter router, RouterKey key, Region region) {
    var client = clients.reachableClient(region);
    if (client.isEmpty()) {
      return false;
    }
    try {
      String namespace = ResolvedRouter.namespaceIn(router, region);
      ManagedObjects.deleteAll(client.get(), namespace, key.labelValue());
      lastApplied.forgetAll(scope(region, namespace, key.labelValue()));
      return true;
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "deleting router %s in region %s failed: %s",
          key, region.getMetadata().getName(), CallFailures.describe(e));
      return false;
    }
  }

  /**
   * Lists the router's objects in the region and applies {@code desired}, its ConfigMap stamped.
   */
  private List<HasMetadata> write(
      KubernetesClient client,
      ResolvedRouter router,
      Region region,
      List<HasMetadata> desired,
      long now) {
    String namespace = router.namespaceIn(region);
    String owner = router.key().labelValue();
    var existing = ManagedObjects.existing(client, namespace, owner);
    var stamped =
        desired.stream()
            .map(
                object ->
                    object instanceof ConfigMap files
                        ? RoutingConfigMap.withRevision(files, live(existing, files), now)
                        : object)
            .toList();
    return ManagedObjects.apply(
        client, namespace, owner, existing, stamped, lastApplied, scope(region, namespace, owner));
  }

  /** Where a router's objects are: its region's cluster, the namespace, the router. */
  private static String scope(Region region, String namespace, String owner) {
    return region.getMetadata().getName() + "/" + namespace + "/" + owner;
  }

  /** The routing ConfigMap as the region has it, from the objects listed there. */
  private static ConfigMap live(List<HasMetadata> existing, ConfigMap desired) {
    return existing.stream()
        .filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast)
        .filter(c -> c.getMetadata().getName().equals(desired.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /** The HPA's status as applied, or that of the HPA KEDA made for the ScaledObject. */
  private static HorizontalPodAutoscalerStatus autoscalerStatus(
      KubernetesClient client,
      ResolvedRouter router,
      Region region,
      List<HasMetadata> applied,
      Autoscaler autoscaler) {
    if (autoscaler == Autoscaler.KEDA_SCALED_OBJECT) {
      var hpa =
          client
              .autoscaling()
              .v2()
              .horizontalPodAutoscalers()
              .inNamespace(router.namespaceIn(region))
              .withName(Autoscaler.KEDA_HPA_PREFIX + router.name())
              .get();
      return hpa == null ? null : hpa.getStatus();
    }
    return find(applied, HorizontalPodAutoscaler.class)
        .map(HorizontalPodAutoscaler::getStatus)
        .orElse(null);
  }

  private static <T> Optional<T> find(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
