package io.beastmode.operator.slo;

import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.SloAction;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.fleet.ManagedObjects;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Where the Prometheus Operator is installed, a PrometheusRule per objective with an alert for each
 * burn-rate rule that lists the Alert action. The alerts read the operator's own burn-rate gauges,
 * so Prometheus fires exactly when the operator's rule does (both windows over the threshold). The
 * rule is owned by the objective and goes with it.
 */
final class BurnRateAlerts {
  private static final Logger LOG = Logger.getLogger(BurnRateAlerts.class);

  static final ResourceDefinitionContext PROMETHEUS_RULE =
      new ResourceDefinitionContext.Builder()
          .withGroup("monitoring.coreos.com")
          .withVersion("v1")
          .withKind("PrometheusRule")
          .withPlural("prometheusrules")
          .withNamespaced(true)
          .build();

  private BurnRateAlerts() {}

  static void apply(KubernetesClient hub, ServiceLevelObjective slo) {
    var rule = rule(slo);
    var rules =
        hub.genericKubernetesResources(PROMETHEUS_RULE)
            .inNamespace(slo.getMetadata().getNamespace());
    try {
      if (rule == null) {
        rules.withName(name(slo)).delete();
      } else {
        rules
            .resource(rule)
            .fieldManager(ManagedObjects.FIELD_MANAGER)
            .forceConflicts()
            .serverSideApply();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode()
          != HttpURLConnection
              .HTTP_NOT_FOUND) { // not found: the Prometheus Operator is not installed
        LOG.warnf(
            "PrometheusRule for objective %s not written: %s",
            SloRecorder.key(slo), CallFailures.describe(e));
      }
    }
  }

  /** The PrometheusRule for the objective, or null when no rule asks for an alert. Pure. */
  static GenericKubernetesResource rule(ServiceLevelObjective slo) {
    var alerts =
        slo.getSpec().burnRateRules.stream()
            .filter(r -> r.actions.contains(SloAction.Alert))
            .map(
                r -> {
                  Map<String, Object> alert = new LinkedHashMap<>();
                  alert.put("alert", "BeastModeSloBurn");
                  alert.put(
                      "expr",
                      "min by (slo, rule) (beastmode_slo_burn_rate{slo=\""
                          + SloRecorder.key(slo)
                          + "\",rule=\""
                          + r.name
                          + "\"}) > "
                          + r.burnRate);
                  alert.put(
                      "labels",
                      Map.of(
                          "severity",
                          r.burnRate >= 6 ? "critical" : "warning",
                          "slo",
                          SloRecorder.key(slo),
                          "rule",
                          r.name));
                  alert.put(
                      "annotations",
                      Map.of(
                          "summary",
                          "Objective "
                              + slo.getMetadata().getName()
                              + " burns its error budget faster than "
                              + r.burnRate
                              + "x over "
                              + r.longWindow
                              + " and "
                              + r.shortWindow));
                  return alert;
                })
            .toList();
    if (alerts.isEmpty()) {
      return null;
    }
    var rule = new GenericKubernetesResource();
    rule.setApiVersion(PROMETHEUS_RULE.getGroup() + "/" + PROMETHEUS_RULE.getVersion());
    rule.setKind(PROMETHEUS_RULE.getKind());
    rule.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(slo))
            .withNamespace(slo.getMetadata().getNamespace())
            .withLabels(Map.of(ManagedLabels.MANAGED_BY_KEY, ManagedLabels.MANAGED_BY))
            .withOwnerReferences(ManagedLabels.controlledBy(slo))
            .build());
    rule.setAdditionalProperty(
        "spec",
        Map.of(
            "groups",
            List.of(
                Map.of("name", "beastmode-slo-" + slo.getMetadata().getName(), "rules", alerts))));
    return rule;
  }

  static String name(ServiceLevelObjective slo) {
    return slo.getMetadata().getName() + "-burn-rate";
  }
}
