package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.slo.SloActionsInForce;
import io.beastmode.operator.traffic.TrafficDecision;
import io.beastmode.wire.AccessConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The objects an LLMRouter needs in one region: routing ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler (when autoscaling is on) and PodDisruptionBudget. Pure: same inputs, same
 * objects, so server-side apply of an unchanged router changes nothing.
 */
public final class RouterResources {
  private RouterResources() {}

  /**
   * @param router the resolved router
   * @param region the region to build for
   * @param image the image routers run (the operator's own)
   * @param traffic the failover decision: every region's weight and each region's replica floor
   * @param autoscaler what scales the routers in this region
   * @param slo the SLO actions in force for the router
   * @param access who may call the routers
   */
  public static List<HasMetadata> desired(
      ResolvedRouter router,
      Region region,
      String image,
      TrafficDecision traffic,
      Autoscaler autoscaler,
      SloActionsInForce slo,
      AccessConfig access) {
    int floor = traffic.floors().get(region.getMetadata().getName());
    var configMap =
        RoutingConfigMap.build(
            metadata(router, region, RoutingConfigMap.name(router.name())),
            router,
            region,
            traffic.weights(),
            slo.degraded(),
            access);
    // Replicas come before the weights, so a region is scaled before more traffic is sent its way.
    // Each object gets metadata of its own: appliers may edit it.
    var objects = new ArrayList<HasMetadata>();
    objects.add(
        RouterDeployment.build(
            router,
            region,
            metadata(router, region),
            image,
            RoutingConfigMap.configHash(configMap),
            floor));
    switch (autoscaler) {
      case HORIZONTAL_POD_AUTOSCALER, CPU_HORIZONTAL_POD_AUTOSCALER ->
          objects.add(
              Autoscaler.horizontalPodAutoscaler(
                  metadata(router, region),
                  router,
                  region,
                  floor,
                  autoscaler == Autoscaler.HORIZONTAL_POD_AUTOSCALER));
      case KEDA_SCALED_OBJECT ->
          objects.add(Autoscaler.scaledObject(metadata(router, region), router, region, floor));
      case NONE -> {}
    }
    objects.add(service(metadata(router, region), router));
    objects.add(
        metricsService(metadata(router, region, metricsServiceName(router.name())), router));
    objects.add(disruptionBudget(metadata(router, region), router));
    objects.add(configMap);
    return objects;
  }

  static Service service(ObjectMeta metadata, ResolvedRouter inputs) {
    var exposure = inputs.router().getSpec().exposure;
    return new ServiceBuilder()
        .withMetadata(metadata)
        .withNewSpec()
        .withType(exposure.serviceType.name())
        .withSelector(ManagedLabels.podSelector(inputs.name()))
        .addNewPort()
        .withName("http")
        .withPort(exposure.port)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  public static String metricsServiceName(String routerName) {
    return routerName + "-metrics";
  }

  /**
   * Where Prometheus scrapes the routers: their management port (health and metrics), which the
   * router Service does not expose to clients. Headless: every pod is a target.
   */
  static Service metricsService(ObjectMeta metadata, ResolvedRouter inputs) {
    return new ServiceBuilder()
        .withMetadata(metadata)
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(ManagedLabels.podSelector(inputs.name()))
        .addNewPort()
        .withName("management")
        .withPort(RouterDeployment.MANAGEMENT_PORT)
        .withTargetPort(new IntOrString("management"))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  static PodDisruptionBudget disruptionBudget(ObjectMeta metadata, ResolvedRouter inputs) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(metadata)
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ManagedLabels.podSelector(inputs.name()))
        .endSelector()
        .endSpec()
        .build();
  }

  private static ObjectMeta metadata(ResolvedRouter router, Region region) {
    return metadata(router, region, router.name());
  }

  private static ObjectMeta metadata(ResolvedRouter inputs, Region region, String name) {
    String namespace = inputs.namespaceIn(region);
    var meta =
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(ManagedLabels.forRouter(inputs.key(), region.getMetadata().getName()))
            .withAnnotations(Map.of(ManagedLabels.OWNER_KEY, inputs.key().toString()));
    // Garbage collection follows owner references only within one cluster and one namespace.
    if (region.isLocal() && namespace.equals(inputs.namespace())) {
      meta.withOwnerReferences(ManagedLabels.controlledBy(inputs.router()));
    }
    return meta.build();
  }
}
