package io.beastmode.operator.resolved;

import io.beastmode.api.v1alpha1.Region;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;

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

  public static RegionOutcome applied(
      Region region,
      Deployment deployment,
      String configHash,
      String trafficHash,
      String autoscaler,
      HorizontalPodAutoscalerStatus scaling) {
    return new RegionOutcome(
        region, true, deployment, configHash, trafficHash, null, autoscaler, scaling);
  }

  public static RegionOutcome unreachable(Region region) {
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

  public static RegionOutcome failed(Region region, String failure) {
    return new RegionOutcome(region, true, null, null, null, failure, null, null);
  }

  public String name() {
    return region.getMetadata().getName();
  }
}
