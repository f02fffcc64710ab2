package io.beastmode.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Helm;
import io.beastmode.testing.PlatformCrds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered chart on a real API server: a server-side dry run accepts every object, with the
 * chart's CRDs (and the Prometheus Operator's ServiceMonitor CRD) installed for real and the
 * release namespace created, as {@code helm install --create-namespace} would.
 */
class HelmChartIT {
  static ApiServer server;

  @BeforeAll
  static void start() {
    server =
        ApiServer.start()
            .withCrdsFrom(Helm.CHART.resolve("crds"))
            .withPlatformCrds(PlatformCrds.SERVICE_MONITOR);
    server
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(Helm.NAMESPACE).endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @ParameterizedTest
  @MethodSource("io.beastmode.chart.HelmChartTest#valueSets")
  void theApiServerAcceptsEveryRenderedObject(List<String> values) {
    var objects = Helm.objects(Helm.template(values.toArray(String[]::new)).orFail().stdout());
    assertThat(objects).isNotEmpty();
    for (HasMetadata object : objects) {
      dryRun(object);
    }
  }

  /**
   * The dry run validates as a real install would (an unknown field fails server-side apply
   * anyway).
   */
  @Test
  void theDryRunRefusesAnInvalidValue() {
    var deployment =
        Helm.objects(Helm.template().orFail().stdout()).stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    deployment.getSpec().setReplicas(-1);
    assertThatThrownBy(() -> dryRun(deployment))
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> assertThat(e.getMessage()).contains("spec.replicas: Invalid value: -1"));
  }

  private static void dryRun(HasMetadata object) {
    server.client().resource(object).dryRun().fieldManager("helm").serverSideApply();
  }
}
