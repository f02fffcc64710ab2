package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.AutoscalingSpec;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.fleet.ManagedObjects;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.traffic.RouterTraffic;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehaviorBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What scales a region's routers between its floor and its capacity: a HorizontalPodAutoscaler on
 * in-flight requests per pod and CPU, or on CPU alone where no custom metrics adapter serves the
 * in-flight gauge, or, where KEDA is installed, a ScaledObject with the same bounds and behaviour
 * (KEDA then owns the HPA; never both).
 */
public enum Autoscaler {
  /** Autoscaling is off: the Deployment's replicas are fixed. */
  NONE(null),
  HORIZONTAL_POD_AUTOSCALER("HorizontalPodAutoscaler"),
  /**
   * An HPA on CPU alone. The HPA controller scales in only when it can read every metric of its
   * spec, so asking for the in-flight gauge where nothing serves it would leave routers scaled out
   * for good after a peak.
   */
  CPU_HORIZONTAL_POD_AUTOSCALER("HorizontalPodAutoscaler"),
  KEDA_SCALED_OBJECT("ScaledObject");

  /** The routers' in-flight gauge as Prometheus (and an adapter serving it to the HPA) names it. */
  public static final String IN_FLIGHT_METRIC = "beastmode_router_inflight";

  /** The name KEDA gives the HPA it creates for a ScaledObject. */
  public static final String KEDA_HPA_PREFIX = "keda-hpa-";

  private final String kind;

  Autoscaler(String kind) {
    this.kind = kind;
  }

  /** The kind of object that does the scaling, or null when nothing does. */
  public String kind() {
    return kind;
  }

  /** The custom metrics API's name for the in-flight gauge of pods. */
  public static final String IN_FLIGHT_RESOURCE = "pods/" + IN_FLIGHT_METRIC;

  /**
   * The one a region gets: none without autoscaling, KEDA's where KEDA is installed, else an HPA
   * that asks for the in-flight gauge only where the custom metrics API serves it.
   */
  public static Autoscaler choose(
      boolean autoscalingEnabled, boolean kedaInstalled, boolean inFlightMetricServed) {
    if (!autoscalingEnabled) {
      return NONE;
    }
    if (kedaInstalled) {
      return KEDA_SCALED_OBJECT;
    }
    return inFlightMetricServed ? HORIZONTAL_POD_AUTOSCALER : CPU_HORIZONTAL_POD_AUTOSCALER;
  }

  /**
   * @param floor the fewest replicas the region must run: spec and placement, raised by failover
   * @param withInFlight whether to ask for the in-flight gauge (a custom metrics adapter serves it)
   */
  static HorizontalPodAutoscaler horizontalPodAutoscaler(
      ObjectMeta metadata, ResolvedRouter inputs, Region region, int floor, boolean withInFlight) {
    AutoscalingSpec spec = inputs.router().getSpec().autoscaling;
    int max = RouterTraffic.maxReplicas(inputs, region);
    int min = Math.min(floor, max);
    var metrics = new ArrayList<MetricSpec>();
    if (withInFlight) {
      metrics.add(
          new MetricSpecBuilder()
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
              .build());
    }
    metrics.add(
        new MetricSpecBuilder()
            .withType("Resource")
            .withNewResource()
            .withName("cpu")
            .withNewTarget()
            .withType("Utilization")
            .withAverageUtilization(spec.targetCpuUtilizationPercent)
            .endTarget()
            .endResource()
            .build());
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(metadata)
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(inputs.name())
        .endScaleTargetRef()
        .withMinReplicas(Math.max(min, 1))
        .withMaxReplicas(max)
        .withMetrics(metrics)
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
   * KEDA's equivalent of {@link #horizontalPodAutoscaler}: the same bounds and behaviour, in-flight
   * requests read from Prometheus (scraped through the routers' metrics Service, its {@code
   * service} label relabelled to the router's name as docs/observability.md shows) and CPU.
   */
  static GenericKubernetesResource scaledObject(
      ObjectMeta metadata, ResolvedRouter inputs, Region region, int floor) {
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
    object.setMetadata(metadata);
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
}
