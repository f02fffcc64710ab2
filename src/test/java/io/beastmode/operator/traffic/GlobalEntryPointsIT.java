package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.operator.traffic.GlobalEntryPoints.WeightPatch;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.PlatformCrds;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The weights the operator writes into global entry points, sent as the operator sends them (its
 * JSON patch) to an API server with Gateway API's HTTPRoute and external-dns's DNSEndpoint CRDs as
 * those projects publish them: the real schemas accept every weight a router can have. A patch the
 * API server refuses throws here, where the operator would only log it.
 */
class GlobalEntryPointsIT {
  static final String NS = "team-e";
  static ApiServer server;

  /** Weights a router's regions can get: all to one, none, shares. */
  static final List<Map<String, Integer>> WEIGHTS =
      List.of(
          Map.of("eu", 100, "us", 0),
          Map.of("eu", 0, "us", 100),
          Map.of("eu", 33, "us", 67),
          Map.of("eu", 0, "us", 0));

  @BeforeAll
  static void start() {
    server = ApiServer.start().withPlatformCrds(PlatformCrds.HTTP_ROUTE, PlatformCrds.DNS_ENDPOINT);
    server
        .client()
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    for (var object : List.of(GlobalEntryPointsTest.ROUTE, GlobalEntryPointsTest.DNS)) {
      var copy = GlobalEntryPointsTest.copy(object);
      copy.getMetadata().setNamespace(NS);
      server.client().resource(copy).create();
    }
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @Test
  void theRealHttpRouteSchemaAcceptsEveryWeightTheOperatorWrites() {
    for (var weights : WEIGHTS) {
      var stored =
          patch(
              GlobalEntryPoints.HTTP_ROUTE,
              route -> GlobalEntryPoints.httpRoutePatches(route, "chat", weights));
      assertThat(GlobalEntryPoints.httpRoutePatches(stored, "chat", weights))
          .as("the stored route carries %s", weights)
          .isEmpty();
    }
  }

  @Test
  void theRealDnsEndpointSchemaAcceptsEveryWeightTheOperatorWrites() {
    for (var weights : WEIGHTS) {
      var stored =
          patch(
              GlobalEntryPoints.DNS_ENDPOINT,
              endpoint -> GlobalEntryPoints.dnsEndpointPatches(endpoint, weights));
      assertThat(GlobalEntryPoints.dnsEndpointPatches(stored, weights))
          .as("the stored endpoint carries %s", weights)
          .isEmpty();
    }
  }

  /** The check is real: the published schemas refuse what their types do not allow. */
  @Test
  void theRealSchemasRefuseWhatTheirTypesDoNotAllow() {
    assertThatThrownBy(
            () ->
                patch(
                    GlobalEntryPoints.HTTP_ROUTE,
                    route -> List.of(new WeightPatch("/spec/rules/0/backendRefs/0/weight", -1))))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("weight");
    assertThatThrownBy(
            () ->
                patch(
                    GlobalEntryPoints.DNS_ENDPOINT,
                    endpoint ->
                        List.of(new WeightPatch("/spec/endpoints/0/providerSpecific/0/value", 5))))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("value");
  }

  /** Reads the object, sends the operator's JSON patch for it and returns what was stored. */
  private static GenericKubernetesResource patch(
      ResourceDefinitionContext kind,
      Function<GenericKubernetesResource, List<WeightPatch>> patches) {
    var object = server.client().genericKubernetesResources(kind).inNamespace(NS).withName("chat");
    var ops = patches.apply(object.get());
    if (ops.isEmpty()) {
      return object.get();
    }
    return object.patch(PatchContext.of(PatchType.JSON), GlobalEntryPoints.jsonPatch(ops));
  }
}
