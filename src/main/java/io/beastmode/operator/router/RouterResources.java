package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.AutoscalingSpec;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.fleet.ManagedObjects;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.failover.FailoverPlan;
import io.beastmode.router.config.ConfigYaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects an LLMRouter needs in one region: routing ConfigMap, Deployment, Service,
 * HorizontalPodAutoscaler (when autoscaling is on) and PodDisruptionBudget. Pure: same inputs, same
 * objects, so server-side apply of an unchanged router changes nothing.
 */
public final class RouterResources {
  public static final String ROUTING_KEY = "routing.yaml";
  public static final String TRAFFIC_KEY = "traffic.yaml";

  /** The routers' in-flight gauge as Prometheus (and an adapter serving it to the HPA) names it. */
  public static final String IN_FLIGHT_METRIC = "beastmode_router_inflight";

  private RouterResources() {}

  /**
   * @param inputs the resolved router
   * @param region the region to build for
   * @param local whether the region is the operator's own cluster, where owner references work
   * @param image the image routers run (the operator's own)
   * @param traffic the failover decision: every region's weight and each region's replica floor
   * @param keda whether KEDA is installed in the region: a ScaledObject replaces the HPA
   * @param degraded whether an SLO's DegradeModel action is in force
   */
  public static List<HasMetadata> desired(
      RouterInputs inputs,
      Region region,
      boolean local,
      String image,
      FailoverPlan.Result traffic,
      boolean keda,
      boolean degraded) {
    int floor = traffic.floors().get(region.getMetadata().getName());
    var configMap = configMap(inputs, region, local, traffic.weights(), degraded);
    String configHash = configHash(configMap);
    // Replicas come before the weights, so a region is scaled before more traffic is sent its way.
    var objects = new ArrayList<HasMetadata>();
    objects.add(
        RouterDeployment.build(
            inputs,
            region,
            metadata(inputs, region, local, inputs.name()),
            image,
            configHash,
            floor));
    if (inputs.router().getSpec().autoscaling.enabled) {
      objects.add(
          keda
              ? scaledObject(inputs, region, local, floor)
              : autoscaler(inputs, region, local, floor));
    }
    objects.add(service(inputs, region, local));
    objects.add(disruptionBudget(inputs, region, local));
    objects.add(configMap);
    return objects;
  }

  public static String configMapName(String routerName) {
    return routerName + "-routing";
  }

  /** Version of the traffic file, as routers report it in their heartbeats. */
  public static String trafficHash(ConfigMap configMap) {
    return ConfigYaml.version(configMap.getData().get(TRAFFIC_KEY));
  }

  /**
   * Hash of the routing config only: traffic weights change on failover and are hot-reloaded, so
   * they must not roll the routers.
   */
  public static String configHash(ConfigMap configMap) {
    return ConfigYaml.version(configMap.getData().get(ROUTING_KEY));
  }

  static ConfigMap configMap(
      RouterInputs inputs,
      Region region,
      boolean local,
      Map<String, Integer> weights,
      boolean degraded) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(inputs, region, local, configMapName(inputs.name())))
        .withData(
            Map.of(
                ROUTING_KEY, ConfigYaml.write(RoutingConfigRenderer.routing(inputs, region)),
                TRAFFIC_KEY,
                    ConfigYaml.write(
                        RoutingConfigRenderer.traffic(inputs, region, weights, degraded))))
        .build();
  }

  static Service service(RouterInputs inputs, Region region, boolean local) {
    var exposure = inputs.router().getSpec().exposure;
    return new ServiceBuilder()
        .withMetadata(metadata(inputs, region, local, inputs.name()))
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

  /**
   * @param floor the fewest replicas the region must run: spec and placement, raised by failover
   */
  static HorizontalPodAutoscaler autoscaler(
      RouterInputs inputs, Region region, boolean local, int floor) {
    AutoscalingSpec spec = inputs.router().getSpec().autoscaling;
    int max = RouterTraffic.maxReplicas(inputs, region);
    int min = Math.min(floor, max);
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(metadata(inputs, region, local, inputs.name()))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(inputs.name())
        .endScaleTargetRef()
        .withMinReplicas(Math.max(min, 1))
        .withMaxReplicas(max)
        .addNewMetric()
        .withType("Pods")
        .withNewPods()
        .withNewMetric()
        .withName(IN_FLIGHT_METRIC)
        .endMetric()
        .withNewTarget()
        .withType("AverageValue")
        .withAverageValue(new Quantity(Integer.toString(spec.targetInFlightPerPod)))
        .endTarget()
        .endPods()
        .endMetric()
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(spec.targetCpuUtilizationPercent)
        .endTarget()
        .endResource()
        .endMetric()
        .withBehavior(behavior(spec))
        .endSpec()
        .build();
  }

  /**
   * Scale out by at most the spec's pods a minute; scale in only after the stabilisation window.
   */
  static HorizontalPodAutoscalerBehavior behavior(AutoscalingSpec spec) {
    return new HorizontalPodAutoscalerBehaviorBuilder()
        .withNewScaleUp()
        .addNewPolicy()
        .withType("Pods")
        .withValue(spec.scaleUpPodsPerMinute)
        .withPeriodSeconds(60)
        .endPolicy()
        .endScaleUp()
        .withNewScaleDown()
        .withStabilizationWindowSeconds(spec.scaleDownStabilizationSeconds)
        .endScaleDown()
        .build();
  }

  /**
   * KEDA's equivalent of {@link #autoscaler}: the same bounds and behaviour, in-flight requests
   * read from Prometheus (the routers' Service is the scrape target) and CPU.
   */
  static GenericKubernetesResource scaledObject(
      RouterInputs inputs, Region region, boolean local, int floor) {
    AutoscalingSpec spec = inputs.router().getSpec().autoscaling;
    int max = RouterTraffic.maxReplicas(inputs, region);
    String query =
        "sum("
            + IN_FLIGHT_METRIC
            + "{namespace=\""
            + inputs.namespaceIn(region)
            + "\",service=\""
            + inputs.name()
            + "\"})";
    var object = new GenericKubernetesResource();
    object.setApiVersion(
        ManagedObjects.SCALED_OBJECT.getGroup() + "/" + ManagedObjects.SCALED_OBJECT.getVersion());
    object.setKind(ManagedObjects.SCALED_OBJECT.getKind());
    object.setMetadata(metadata(inputs, region, local, inputs.name()));
    var scaleTarget = Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", inputs.name());
    var inFlight =
        Map.of(
            "type", "prometheus",
            "metricType", "AverageValue",
            "metadata",
                Map.of(
                    "serverAddress",
                    spec.prometheusAddress,
                    "query",
                    query,
                    "threshold",
                    Integer.toString(spec.targetInFlightPerPod)));
    var cpu =
        Map.of(
            "type",
            "cpu",
            "metricType",
            "Utilization",
            "metadata",
            Map.of("value", Integer.toString(spec.targetCpuUtilizationPercent)));
    var objectSpec = new LinkedHashMap<String, Object>();
    objectSpec.put("scaleTargetRef", scaleTarget);
    objectSpec.put("minReplicaCount", Math.max(Math.min(floor, max), 1));
    objectSpec.put("maxReplicaCount", max);
    objectSpec.put(
        "advanced",
        Map.of(
            "horizontalPodAutoscalerConfig",
            Map.of(
                "behavior", Serialization.jsonMapper().convertValue(behavior(spec), Map.class))));
    objectSpec.put("triggers", List.of(inFlight, cpu));
    object.setAdditionalProperty("spec", objectSpec);
    return object;
  }

  static PodDisruptionBudget disruptionBudget(RouterInputs inputs, Region region, boolean local) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(metadata(inputs, region, local, inputs.name()))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ManagedLabels.podSelector(inputs.name()))
        .endSelector()
        .endSpec()
        .build();
  }

  static ObjectMeta metadata(RouterInputs inputs, Region region, boolean local, String name) {
    String namespace = inputs.namespaceIn(region);
    var meta =
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(
                ManagedLabels.forRouter(
                    inputs.namespace(), inputs.name(), region.getMetadata().getName()))
            .withAnnotations(
                Map.of(
                    ManagedLabels.OWNER_KEY,
                    ManagedLabels.ownerAnnotationValue(inputs.namespace(), inputs.name())));
    // Garbage collection follows owner references only within one cluster and one namespace.
    if (local && namespace.equals(inputs.namespace())) {
      var router = inputs.router();
      meta.withOwnerReferences(
          new OwnerReferenceBuilder()
              .withApiVersion(router.getApiVersion())
              .withKind(router.getKind())
              .withName(router.getMetadata().getName())
              .withUid(router.getMetadata().getUid())
              .withController(true)
              .withBlockOwnerDeletion(false)
              .build());
    }
    return meta.build();
  }
}
