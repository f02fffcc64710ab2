package io.beastmode.operator.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.traffic.GlobalEntryPoints.WeightPatch;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlobalEntryPointsTest {

  static GenericKubernetesResource parse(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** The object after the JSON-patch replaces, applied the way the API server would. */
  @SuppressWarnings("unchecked")
  static GenericKubernetesResource patched(
      GenericKubernetesResource object, List<WeightPatch> patches) {
    var copy = copy(object);
    for (var patch : patches) {
      String[] path = patch.path().substring(1).split("/");
      Object node = copy.getAdditionalProperties();
      for (int i = 0; i < path.length - 1; i++) {
        node =
            node instanceof List<?> list
                ? list.get(Integer.parseInt(path[i]))
                : ((Map<String, Object>) node).get(path[i]);
      }
      var parent = (Map<String, Object>) node;
      String leaf = path[path.length - 1];
      assertThat(parent).as("replace needs an existing %s", patch.path()).containsKey(leaf);
      parent.put(leaf, patch.value());
    }
    return copy;
  }

  static final GenericKubernetesResource ROUTE =
      parse(
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata:
            name: chat
            labels: {beastmode.io/llmrouter: chat}
          spec:
            parentRefs: [{name: global}]
            hostnames: [chat.example.com]
            rules:
              - matches: [{path: {type: PathPrefix, value: /v1}}]
                backendRefs:
                  - {name: chat-eu, port: 8080, weight: 50}
                  - {name: chat-us, port: 8080, weight: 50}
                  - {name: legacy, port: 80, weight: 7}
              - backendRefs:
                  - {name: chat-us, port: 8080, weight: 50}
                  - {name: other-eu, port: 8080, weight: 3}
          """);

  static final GenericKubernetesResource DNS =
      parse(
          """
          apiVersion: externaldns.k8s.io/v1alpha1
          kind: DNSEndpoint
          metadata:
            name: chat
            labels: {beastmode.io/llmrouter: chat}
          spec:
            endpoints:
              - dnsName: chat.example.com
                recordType: CNAME
                setIdentifier: eu
                targets: [eu.example.com]
                providerSpecific:
                  - {name: aws/weight, value: "50"}
                  - {name: aws/health-check-id, value: abc}
                  - {name: weight, value: "50"}
                  - {name: weighted, value: "9"}
              - dnsName: chat.example.com
                recordType: CNAME
                setIdentifier: us
                targets: [us.example.com]
                providerSpecific:
                  - {name: aws/weight, value: "50"}
              - dnsName: chat.example.com
                recordType: CNAME
                setIdentifier: ap
                targets: [ap.example.com]
                providerSpecific:
                  - {name: aws/weight, value: "11"}
              - dnsName: status.example.com
                recordType: A
                targets: [10.0.0.1]
                providerSpecific:
                  - {name: weight, value: "1"}
          """);

  @Test
  void httpRouteBackendRefsOfTheRouterGetTheirRegionsWeight() {
    var patches = GlobalEntryPoints.httpRoutePatches(ROUTE, "chat", Map.of("eu", 0, "us", 100));
    assertThat(patches)
        .containsExactlyInAnyOrder(
            new WeightPatch("/spec/rules/0/backendRefs/0/weight", 0),
            new WeightPatch("/spec/rules/0/backendRefs/1/weight", 100),
            new WeightPatch("/spec/rules/1/backendRefs/0/weight", 100));
  }

  @Test
  void httpRoutePatchesChangeOnlyTheWeights() {
    var after =
        patched(
            ROUTE, GlobalEntryPoints.httpRoutePatches(ROUTE, "chat", Map.of("eu", 0, "us", 100)));
    var expected = copy(ROUTE);
    refs(rules(expected).get(0)).get(0).put("weight", 0);
    refs(rules(expected).get(0)).get(1).put("weight", 100);
    refs(rules(expected).get(1)).get(0).put("weight", 100);
    assertThat(after).isEqualTo(expected).isNotEqualTo(ROUTE);
  }

  @Test
  void anHttpRouteAlreadyOnTheWeightsIsNotPatched() {
    assertThat(GlobalEntryPoints.httpRoutePatches(ROUTE, "chat", Map.of("eu", 50, "us", 50)))
        .isEmpty();
    assertThat(GlobalEntryPoints.httpRoutePatches(ROUTE, "embed", Map.of("eu", 0, "us", 100)))
        .as("another router's backends")
        .isEmpty();
    assertThat(GlobalEntryPoints.httpRoutePatches(ROUTE, "chat", Map.of())).isEmpty();
  }

  @Test
  void dnsEndpointWeightsOfTheRegionsRecordGetItsWeight() {
    var patches = GlobalEntryPoints.dnsEndpointPatches(DNS, weights("eu", 0, "us", 100));
    assertThat(patches)
        .containsExactlyInAnyOrder(
            new WeightPatch("/spec/endpoints/0/providerSpecific/0/value", "0"),
            new WeightPatch("/spec/endpoints/0/providerSpecific/2/value", "0"),
            new WeightPatch("/spec/endpoints/1/providerSpecific/0/value", "100"));
  }

  @Test
  void dnsEndpointPatchesChangeOnlyTheWeights() {
    var after =
        patched(DNS, GlobalEntryPoints.dnsEndpointPatches(DNS, weights("eu", 0, "us", 100)));
    var expected = copy(DNS);
    settings(endpoints(expected).get(0)).get(0).put("value", "0");
    settings(endpoints(expected).get(0)).get(2).put("value", "0");
    settings(endpoints(expected).get(1)).get(0).put("value", "100");
    assertThat(after).isEqualTo(expected).isNotEqualTo(DNS);
  }

  @Test
  void aDnsEndpointAlreadyOnTheWeightsIsNotPatched() {
    assertThat(GlobalEntryPoints.dnsEndpointPatches(DNS, weights("eu", 50, "us", 50, "ap", 11)))
        .isEmpty();
  }

  /**
   * Weights as the failover plan makes them (a LinkedHashMap, which answers null for a record
   * without setIdentifier; an immutable map would throw).
   */
  static Map<String, Integer> weights(Object... regionsAndWeights) {
    var weights = new LinkedHashMap<String, Integer>();
    for (int i = 0; i < regionsAndWeights.length; i += 2) {
      weights.put((String) regionsAndWeights[i], (Integer) regionsAndWeights[i + 1]);
    }
    return weights;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource object) {
    return (Map<String, Object>) object.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rules(GenericKubernetesResource route) {
    return (List<Map<String, Object>>) spec(route).get("rules");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> refs(Map<String, Object> rule) {
    return (List<Map<String, Object>>) rule.get("backendRefs");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> endpoints(GenericKubernetesResource endpoint) {
    return (List<Map<String, Object>>) spec(endpoint).get("endpoints");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> settings(Map<String, Object> endpoint) {
    return (List<Map<String, Object>>) endpoint.get("providerSpecific");
  }

  static GenericKubernetesResource copy(GenericKubernetesResource object) {
    return parse(Serialization.asYaml(object));
  }
}
