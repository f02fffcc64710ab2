package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.operator.slo.SloActions;
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
public record SloDirectives(
    Map<String, Integer> minReplicas, Set<String> shiftTraffic, boolean degraded) {
  public static final SloDirectives NONE = new SloDirectives(Map.of(), Set.of(), false);

  public static SloDirectives of(List<ServiceLevelObjective> objectives) {
    var minReplicas = new HashMap<String, Integer>();
    var shiftTraffic = new HashSet<String>();
    boolean degraded = false;
    for (var objective : objectives) {
      var status = objective.getStatus();
      for (var record : SloActions.inForce(status == null ? null : status.lastActions)) {
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
    return new SloDirectives(Map.copyOf(minReplicas), Set.copyOf(shiftTraffic), degraded);
  }
}
