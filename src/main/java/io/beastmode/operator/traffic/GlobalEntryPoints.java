package io.beastmode.operator.traffic;

import io.beastmode.operator.CallFailures;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Carries a router's region weights to the global entry points labelled for it in its namespace,
 * where their kinds are installed: a Gateway API HTTPRoute (the backendRef named {@code
 * <router>-<region>} gets the region's weight) and an external-dns DNSEndpoint (the endpoint whose
 * setIdentifier is the region gets its weight in every providerSpecific entry named {@code weight}
 * or ending in {@code /weight}). Only those weight fields are patched; everything else belongs to
 * whoever wrote the object. A kind that is not installed is skipped.
 */
public final class GlobalEntryPoints {
  private static final Logger LOG = Logger.getLogger(GlobalEntryPoints.class);
  static final String ROUTER_LABEL = "beastmode.io/llmrouter";

  static final ResourceDefinitionContext HTTP_ROUTE =
      new ResourceDefinitionContext.Builder()
          .withGroup("gateway.networking.k8s.io")
          .withVersion("v1")
          .withKind("HTTPRoute")
          .withPlural("httproutes")
          .withNamespaced(true)
          .build();
  static final ResourceDefinitionContext DNS_ENDPOINT =
      new ResourceDefinitionContext.Builder()
          .withGroup("externaldns.k8s.io")
          .withVersion("v1alpha1")
          .withKind("DNSEndpoint")
          .withPlural("dnsendpoints")
          .withNamespaced(true)
          .build();

  /** One JSON-patch replace of a weight. */
  record WeightPatch(String path, Object value) {}

  private GlobalEntryPoints() {}

  public static void apply(
      KubernetesClient hub, ResolvedRouter inputs, Map<String, Integer> weights) {
    update(hub, inputs, HTTP_ROUTE, route -> httpRoutePatches(route, inputs.name(), weights));
    update(hub, inputs, DNS_ENDPOINT, endpoint -> dnsEndpointPatches(endpoint, weights));
  }

  private static void update(
      KubernetesClient hub,
      ResolvedRouter inputs,
      ResourceDefinitionContext kind,
      java.util.function.Function<GenericKubernetesResource, List<WeightPatch>> patches) {
    List<GenericKubernetesResource> objects;
    try {
      objects =
          hub.genericKubernetesResources(kind)
              .inNamespace(inputs.namespace())
              .withLabel(ROUTER_LABEL, inputs.name())
              .list()
              .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        LOG.warnf(
            "cannot list %s for router %s/%s: %s",
            kind.getKind(), inputs.namespace(), inputs.name(), CallFailures.describe(e));
      }
      return;
    }
    for (var object : objects) {
      var ops = patches.apply(object);
      if (ops.isEmpty()) {
        continue;
      }
      try {
        hub.genericKubernetesResources(kind)
            .inNamespace(inputs.namespace())
            .withName(object.getMetadata().getName())
            .patch(PatchContext.of(PatchType.JSON), jsonPatch(ops));
      } catch (KubernetesClientException e) {
        LOG.warnf(
            "cannot set weights on %s %s/%s: %s",
            kind.getKind(),
            inputs.namespace(),
            object.getMetadata().getName(),
            CallFailures.describe(e));
      }
    }
  }

  /** The JSON patch that replaces each weight. Pure. */
  static String jsonPatch(List<WeightPatch> patches) {
    return Serialization.asJson(
        patches.stream()
            .map(op -> Map.of("op", "replace", "path", op.path(), "value", op.value()))
            .toList());
  }

  /** Patches for the HTTPRoute's per-region backendRefs whose weight differs. Pure. */
  @SuppressWarnings("unchecked")
  static List<WeightPatch> httpRoutePatches(
      GenericKubernetesResource route, String router, Map<String, Integer> weights) {
    var patches = new ArrayList<WeightPatch>();
    var rules = (List<Map<String, Object>>) spec(route).getOrDefault("rules", List.of());
    for (int i = 0; i < rules.size(); i++) {
      var refs = (List<Map<String, Object>>) rules.get(i).getOrDefault("backendRefs", List.of());
      for (int j = 0; j < refs.size(); j++) {
        for (var weight : weights.entrySet()) {
          if ((router + "-" + weight.getKey()).equals(refs.get(j).get("name"))
              && !number(refs.get(j).get("weight"), weight.getValue())) {
            patches.add(
                new WeightPatch(
                    "/spec/rules/" + i + "/backendRefs/" + j + "/weight", weight.getValue()));
          }
        }
      }
    }
    return patches;
  }

  /** Patches for the DNSEndpoint's per-region weighted records whose weight differs. Pure. */
  @SuppressWarnings("unchecked")
  static List<WeightPatch> dnsEndpointPatches(
      GenericKubernetesResource endpoint, Map<String, Integer> weights) {
    var patches = new ArrayList<WeightPatch>();
    var endpoints = (List<Map<String, Object>>) spec(endpoint).getOrDefault("endpoints", List.of());
    for (int i = 0; i < endpoints.size(); i++) {
      // A record without a set identifier is not weighted per region (and some maps refuse null).
      var region = endpoints.get(i).get("setIdentifier");
      Integer weight = region instanceof String name ? weights.get(name) : null;
      var settings =
          (List<Map<String, Object>>) endpoints.get(i).getOrDefault("providerSpecific", List.of());
      for (int k = 0; weight != null && k < settings.size(); k++) {
        String name = String.valueOf(settings.get(k).get("name"));
        if ((name.equals("weight") || name.endsWith("/weight"))
            && !String.valueOf(weight).equals(settings.get(k).get("value"))) {
          patches.add(
              new WeightPatch(
                  "/spec/endpoints/" + i + "/providerSpecific/" + k + "/value",
                  String.valueOf(weight)));
        }
      }
    }
    return patches;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource object) {
    Object spec = object.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
  }

  private static boolean number(Object value, int expected) {
    return value instanceof Number n && n.intValue() == expected;
  }
}
