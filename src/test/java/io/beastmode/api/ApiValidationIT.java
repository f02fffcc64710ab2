package io.beastmode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.testing.ApiServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The CRDs on a real API server: examples apply with defaults filled in; bad objects are refused.
 */
class ApiValidationIT {
  static final String EXPECTED_ERROR = "beastmode.io/expected-error";
  static ApiServer server;

  @BeforeAll
  static void start() {
    server = ApiServer.start().withCrds();
    server
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("invalid").endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void examplesApplyAndGetTheirDefaults() {
    for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
      for (HasMetadata object : server.load(file)) {
        server.client().resource(object).fieldManager("kubectl").serverSideApply();
      }
    }
    var router =
        server
            .client()
            .resources(LLMRouter.class)
            .inNamespace("beastmode-demo")
            .withName("assistant")
            .get();
    assertThat(router.getSpec().cache.tenantHeader).isEqualTo("x-beastmode-tenant");
    assertThat(router.getSpec().circuitBreaker.failureRatio).isEqualTo(0.5);
    assertThat(router.getSpec().regions).allSatisfy(r -> assertThat(r.replicas).isEqualTo(2));
  }

  @TestFactory
  Stream<DynamicTest> invalidExamplesAreRejectedNamingTheField() {
    return ApiServer.yamlFiles(Path.of("k8s", "examples", "invalid")).stream()
        .flatMap(file -> server.load(file).stream())
        .map(
            object ->
                DynamicTest.dynamicTest(
                    object.getKind() + " " + object.getMetadata().getName(),
                    () -> {
                      String expected = object.getMetadata().getAnnotations().get(EXPECTED_ERROR);
                      assertThat(expected)
                          .as("every invalid example says which error it expects")
                          .isNotBlank();
                      if (!"Region".equals(object.getKind())) {
                        object.getMetadata().setNamespace("invalid");
                      }
                      assertThatThrownBy(() -> server.client().resource(object).create())
                          .isInstanceOfSatisfying(
                              KubernetesClientException.class,
                              e -> assertThat(e.getCode()).isEqualTo(422))
                          .hasMessageContaining(expected);
                    }));
  }

  @Test
  void restoreRequestSpecCannotChange() {
    var restore = new RestoreRequest();
    restore.setMetadata(
        new ObjectMetaBuilder().withName("restore-latest").withNamespace("invalid").build());
    restore.setSpec(new RestoreRequestSpec());
    restore.getSpec().backupPolicyRef = new NamedReference("nightly");
    var created = server.client().resource(restore).create();
    created.getSpec().snapshot = "nightly-20261120";
    assertThatThrownBy(() -> server.client().resource(created).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec: Invalid value: \"object\": spec is immutable; create a new RestoreRequest");
  }
}
