package io.beastmode.demo;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.SloIndicators;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's view of the fleet: per region what the hub's status says (health, weight, replicas)
 * next to what the region's routers report (requests, p95, cache hits, USD spent and saved).
 */
final class LiveView {
  record Row(
      String region,
      String health,
      int weight,
      String stage,
      String replicas,
      double requestsPerSecond,
      SloIndicators recent,
      Double semanticPercent,
      double costUsd,
      double savedUsd) {}

  private volatile KubernetesClient hub;
  private final String namespace;
  private final String router;
  private final Map<String, RouterReports> reports;
  private volatile Map<String, Integer> weights = Map.of();
  private final Set<String> eventsSeen = new HashSet<>();

  LiveView(
      KubernetesClient hub, String namespace, String router, Map<String, RouterReports> reports) {
    this.hub = hub;
    this.namespace = namespace;
    this.router = router;
    this.reports = reports;
  }

  /** From now on the fleet is read from another hub (a promoted standby). */
  void useHub(KubernetesClient hub) {
    this.hub = hub;
  }

  /** The weights clients are sent by: the router's status once it has one. */
  Map<String, Integer> weights() {
    return weights;
  }

  Map<String, RouterReports> reports() {
    return reports;
  }

  Optional<LLMRouter> router() {
    try {
      return Optional.ofNullable(
          hub.resources(LLMRouter.class).inNamespace(namespace).withName(router).get());
    } catch (KubernetesClientException e) {
      return Optional.empty();
    }
  }

  List<Row> refresh() {
    long now = System.currentTimeMillis();
    reports.values().forEach(r -> r.refresh(now));
    var status = router().map(LLMRouter::getStatus);
    var rows = new ArrayList<Row>();
    var current = new LinkedHashMap<String, Integer>();
    for (var entry : reports.entrySet()) {
      String name = entry.getKey();
      var region = hub.resources(Region.class).withName(name).get();
      var inRouter =
          status.flatMap(s -> s.regions.stream().filter(r -> r.name.equals(name)).findFirst());
      int weight = inRouter.map(r -> r.trafficWeight).orElse(0);
      current.put(name, weight);
      var report = entry.getValue();
      rows.add(
          new Row(
              name,
              region == null || region.getStatus() == null || region.getStatus().phase == null
                  ? "-"
                  : region.getStatus().phase.name(),
              weight,
              inRouter.map(r -> r.trafficStage == null ? "-" : r.trafficStage.name()).orElse("-"),
              inRouter.map(LiveView::replicas).orElse("-"),
              report.requestsPerSecond(),
              report.recentIndicators(),
              report.recentSemanticPercent(),
              report.total().costUsd(),
              report.savedUsd()));
    }
    weights = current;
    return rows;
  }

  private static String replicas(RouterRegionStatus status) {
    return (status.readyReplicas == null ? 0 : status.readyReplicas)
        + "/"
        + (status.desiredReplicas == null ? 0 : status.desiredReplicas);
  }

  /**
   * The operator's Events about the router and its objective not seen before: why it moved traffic.
   */
  List<String> newEvents() {
    try {
      return hub.v1().events().inNamespace(namespace).list().getItems().stream()
          .filter(e -> router.equals(e.getInvolvedObject().getName()))
          .filter(e -> eventsSeen.add(e.getMetadata().getUid() + "/" + e.getCount()))
          .map(
              e ->
                  e.getInvolvedObject().getKind()
                      + " event "
                      + e.getReason()
                      + ": "
                      + e.getMessage())
          .toList();
    } catch (KubernetesClientException e) {
      return List.of();
    }
  }

  static String render(List<Row> rows) {
    var out =
        new StringBuilder(
            String.format(
                "%-9s %-12s %6s %-12s %8s %7s %7s %9s %8s %10s %10s%n",
                "REGION",
                "HEALTH",
                "WEIGHT",
                "STAGE",
                "ROUTERS",
                "REQ/S",
                "P95 MS",
                "CACHE HIT",
                "SEMANTIC",
                "COST USD",
                "SAVED USD"));
    for (Row row : rows) {
      out.append(
          String.format(
              "%-9s %-12s %5d%% %-12s %8s %7.1f %7s %9s %8s %10.4f %10.4f%n",
              row.region(),
              row.health(),
              row.weight(),
              row.stage(),
              row.replicas(),
              row.requestsPerSecond(),
              row.recent().p95LatencyMillis == null
                  ? "-"
                  : String.format("%.0f", row.recent().p95LatencyMillis),
              row.recent().cacheHitRatePercent == null
                  ? "-"
                  : String.format("%.0f%%", row.recent().cacheHitRatePercent),
              row.semanticPercent() == null ? "-" : String.format("%.0f%%", row.semanticPercent()),
              row.costUsd(),
              row.savedUsd()));
    }
    return out.toString();
  }
}
