package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.desired.Autoscaler;
import io.beastmode.operator.desired.RouterResources;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.ManagedObjects;
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
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes a router's objects into one region's cluster and removes them again. A region the hub
 * cannot reach is never written to and nothing in it is deleted.
 */
final class RouterRegions {
  private static final Logger LOG = Logger.getLogger(RouterRegions.class);

  private final RegionClients clients;
  private final String routerImage;
  private final MemberWatches memberWatches = new MemberWatches();
  private final RoutingConfigPublisher configPush;
  private final Clock clock;

  RouterRegions(RegionClients clients, String routerImage, RegionRedisClients redis, Clock clock) {
    this.clients = clients;
    this.routerImage = routerImage;
    this.configPush = new RoutingConfigPublisher(redis);
    this.clock = clock;
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
      long now = clock.millis();
      var desired =
          RouterResources.desired(router, region, routerImage, traffic, autoscaler, slo, access)
              .stream()
              .map(
                  object ->
                      object instanceof ConfigMap files
                          ? RoutingConfigMap.withRevision(files, live(client.get(), files), now)
                          : object)
              .toList();
      List<HasMetadata> applied =
          ManagedObjects.apply(
              client.get(), router.namespaceIn(region), router.key().labelValue(), desired);
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
    return regions.stream()
        .filter(region -> !deleteIn(router, key, region))
        .map(region -> region.getMetadata().getName())
        .toList();
  }

  private boolean deleteIn(LLMRouter router, RouterKey key, Region region) {
    var client = clients.reachableClient(region);
    if (client.isEmpty()) {
      return false;
    }
    try {
      ManagedObjects.deleteAll(
          client.get(), ResolvedRouter.namespaceIn(router, region), key.labelValue());
      return true;
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "deleting router %s in region %s failed: %s",
          key, region.getMetadata().getName(), CallFailures.describe(e));
      return false;
    }
  }

  private static ConfigMap live(KubernetesClient client, ConfigMap desired) {
    return client
        .configMaps()
        .inNamespace(desired.getMetadata().getNamespace())
        .withName(desired.getMetadata().getName())
        .get();
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
