package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.SloAction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the SLO actions in force ask of one router, gathered from every objective that targets it.
 *
 * @param minReplicas per region, the replicas a ScaleUp action asks for
 * @param shiftTraffic regions a ShiftTraffic action moves traffic away from
 * @param degraded a DegradeModel action is in force: routers prefer the fastest models
 */
public record SloActionsInForce(
    Map<String, Integer> minReplicas, Set<String> shiftTraffic, boolean degraded) {
  public static final SloActionsInForce NONE = new SloActionsInForce(Map.of(), Set.of(), false);

  public static SloActionsInForce of(List<ServiceLevelObjective> objectives) {
    var minReplicas = new HashMap<String, Integer>();
    var shiftTraffic = new HashSet<String>();
    boolean degraded = false;
    for (var objective : objectives) {
      var status = objective.getStatus();
      for (var record : SloActionPlanner.inForce(status == null ? null : status.lastActions)) {
        if (record.action == SloAction.ScaleUp
            && record.region != null
            && record.replicas != null) {
          minReplicas.merge(record.region, record.replicas, Math::max);
        } else if (record.action == SloAction.ShiftTraffic && record.region != null) {
          shiftTraffic.add(record.region);
        } else if (record.action == SloAction.DegradeModel) {
          degraded = true;
        }
      }
    }
    return new SloActionsInForce(Map.copyOf(minReplicas), Set.copyOf(shiftTraffic), degraded);
  }
}
