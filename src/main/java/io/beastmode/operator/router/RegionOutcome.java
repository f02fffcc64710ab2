package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.Region;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import java.util.List;
import java.util.Optional;

/**
 * What reconciling a router in one region came to.
 *
 * @param region the region
 * @param reachable whether the region's cluster could be written to
 * @param deployment the router Deployment as applied, when it was
 * @param configHash hash of the routing config applied, when it was
 * @param trafficHash hash of the traffic weights applied, when they were
 * @param failure why applying failed, when it did
 * @param autoscaler the kind scaling the routers (HorizontalPodAutoscaler or ScaledObject), or null
 * @param scaling the status of the HPA doing the scaling (KEDA's own HPA under a ScaledObject),
 *     when read
 */
public record RegionOutcome(
    Region region,
    boolean reachable,
    Deployment deployment,
    String configHash,
    String trafficHash,
    String failure,
    String autoscaler,
    HorizontalPodAutoscalerStatus scaling) {

  static RegionOutcome applied(
      Region region,
      List<HasMetadata> applied,
      String autoscaler,
      HorizontalPodAutoscalerStatus scaling) {
    Deployment deployment = find(applied, Deployment.class).orElse(null);
    var configMap = find(applied, ConfigMap.class);
    return new RegionOutcome(
        region,
        true,
        deployment,
        configMap.map(RouterResources::configHash).orElse(null),
        configMap.map(RouterResources::trafficHash).orElse(null),
        null,
        autoscaler,
        scaling);
  }

  static RegionOutcome unreachable(Region region) {
    return new RegionOutcome(
        region,
        false,
        null,
        null,
        null,
        "region unreachable; its routers keep their last config",
        null,
        null);
  }

  static RegionOutcome failed(Region region, String failure) {
    return new RegionOutcome(region, true, null, null, null, failure, null, null);
  }

  public String name() {
    return region.getMetadata().getName();
  }

  private static <T> Optional<T> find(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst();
  }
}
