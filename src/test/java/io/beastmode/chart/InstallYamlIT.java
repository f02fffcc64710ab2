package io.beastmode.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * k8s/install.yaml on a fresh API server, applied for real as {@code kubectl apply --server-side}
 * would, then k8s/examples on top of it.
 */
class InstallYamlIT {

  @Test
  void installYamlThenTheExamplesApply() {
    try (var server = ApiServer.start()) {
      for (HasMetadata object : server.load(HelmChartTest.INSTALL_YAML)) {
        apply(server, object);
        if (object instanceof CustomResourceDefinition crd) {
          server.awaitEstablished(crd.getMetadata().getName());
        }
      }
      for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
        for (HasMetadata object : server.load(file)) {
          apply(server, object);
        }
      }
      var client = server.client();
      assertThat(
              client.apps().deployments().inNamespace(Helm.NAMESPACE).withName(Helm.RELEASE).get())
          .isNotNull();
      assertThat(client.serviceAccounts().inNamespace(Helm.NAMESPACE).withName(Helm.RELEASE).get())
          .isNotNull();
      assertThat(
              client
                  .resources(LLMRouter.class)
                  .inNamespace("beastmode-demo")
                  .withName("assistant")
                  .get())
          .isNotNull();
    }
  }

  private static void apply(ApiServer server, HasMetadata object) {
    server.client().resource(object).fieldManager("kubectl").serverSideApply();
  }
}
