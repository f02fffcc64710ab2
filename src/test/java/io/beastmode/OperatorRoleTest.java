package io.beastmode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.EmbeddedApiServerResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged application in the operator role, against a real API server: the examples reconcile.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedApiServerResource.class, restrictToAnnotatedClass = true)
class OperatorRoleTest {

  @TestHTTPResource(value = "/health/ready", management = true)
  URI readiness;

  @Test
  void theOperatorRoleReconcilesTheExamples() throws Exception {
    var server = EmbeddedApiServerResource.server();
    var client = server.client();
    for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
      for (HasMetadata object : server.load(file)) {
        client.resource(object).fieldManager("kubectl").serverSideApply();
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace("beastmode-demo")
                        .withName("assistant")
                        .get()
                    != null);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var router =
                  client
                      .resources(LLMRouter.class)
                      .inNamespace("beastmode-demo")
                      .withName("assistant")
                      .get();
              assertThat(router.getStatus()).isNotNull();
              // us-east's kubeconfig Secret is not in the examples: that region cannot be reached.
              assertThat(router.getStatus().conditions)
                  .anySatisfy(c -> assertThat(c.message).contains("us-east"));
              var pool =
                  client
                      .resources(ModelPool.class)
                      .inNamespace("beastmode-demo")
                      .withName("openai")
                      .get();
              assertThat(pool.getStatus().modelCount).isEqualTo(2);
            });

    var response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }
}
