package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * metrics-server as a node region runs it: a host process serving {@code metrics.k8s.io} (the pods'
 * and the node's CPU and memory, read from the kubelet's {@code /metrics/resource}) through the API
 * server's aggregation layer, which is what the controller-manager's HorizontalPodAutoscaler
 * controller and {@code kubectl top} read. No custom or external metrics: those need an adapter
 * this tier does not run.
 */
final class MetricsServer {
  static final String NAMESPACE = "kube-system";
  static final String SERVICE = "metrics-server";
  static final String API_SERVICE = "v1beta1.metrics.k8s.io";

  /** The shortest resolution metrics-server accepts: how often it scrapes the kubelet. */
  static final String RESOLUTION = "10s";

  private static final ResourceDefinitionContext API_SERVICES =
      new ResourceDefinitionContext.Builder()
          .withGroup("apiregistration.k8s.io")
          .withVersion("v1")
          .withKind("APIService")
          .withPlural("apiservices")
          .withNamespaced(false)
          .build();

  private MetricsServer() {}

  /**
   * The API server's aggregation layer: it proxies {@code metrics.k8s.io} requests with the
   * front-proxy client certificate and the caller's identity in headers metrics-server trusts, and
   * dials the Service's endpoint (the host process) itself, as no ClusterIP route is needed then.
   */
  static List<String> apiServerFlags(NodePki pki) {
    return List.of(
        "--requestheader-client-ca-file=" + pki.file("front-proxy-ca.crt"),
        "--requestheader-allowed-names=" + NodePki.FRONT_PROXY_CLIENT,
        "--requestheader-username-headers=X-Remote-User",
        "--requestheader-group-headers=X-Remote-Group",
        "--requestheader-extra-headers-prefix=X-Remote-Extra-",
        "--proxy-client-cert-file=" + pki.file("front-proxy-client.crt"),
        "--proxy-client-key-file=" + pki.file("front-proxy-client.key"),
        "--enable-aggregator-routing=true");
  }

  /**
   * metrics-server on the node's address: it authenticates the API server's proxied requests from
   * the requestheader settings the API server publishes, and reaches the kubelet at its InternalIP
   * and the port the node reports, with the admin client certificate of {@code kubeconfig} (the
   * kubelet trusts the region's CA); the kubelet's serving certificate is self-signed.
   */
  static List<String> command(Path binary, NodePki pki, Path kubeconfig, String nodeIp, int port) {
    return List.of(
        binary.toString(),
        "--bind-address=" + nodeIp,
        "--secure-port=" + port,
        "--tls-cert-file=" + pki.file("metrics-server.crt"),
        "--tls-private-key-file=" + pki.file("metrics-server.key"),
        "--kubeconfig=" + kubeconfig,
        "--authentication-kubeconfig=" + kubeconfig,
        "--authorization-kubeconfig=" + kubeconfig,
        "--kubelet-insecure-tls",
        "--kubelet-preferred-address-types=InternalIP",
        "--kubelet-use-node-status-port",
        "--metric-resolution=" + RESOLUTION,
        // it must be shorter than the resolution; the kubelet is on this machine
        "--kubelet-request-timeout=5s",
        "--profiling=false");
  }

  /**
   * Registers metrics-server with the API server: a Service without selector whose Endpoints are
   * the host process, and the APIService for {@code metrics.k8s.io} trusting the region's CA.
   */
  static void register(KubernetesClient client, NodePki pki, String nodeIp, int port) {
    client
        .resource(
            """
            apiVersion: v1
            kind: Service
            metadata: {name: %s, namespace: %s}
            spec:
              ports: [{name: https, port: 443, targetPort: %d, protocol: TCP}]
            """
                .formatted(SERVICE, NAMESPACE, port))
        .create();
    client
        .resource(
            """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: %s, namespace: %s}
            subsets:
            - addresses: [{ip: %s}]
              ports: [{name: https, port: %d, protocol: TCP}]
            """
                .formatted(SERVICE, NAMESPACE, nodeIp, port))
        .create();
    var apiService = new GenericKubernetesResource();
    apiService.setApiVersion("apiregistration.k8s.io/v1");
    apiService.setKind("APIService");
    apiService.setMetadata(new ObjectMetaBuilder().withName(API_SERVICE).build());
    apiService.setAdditionalProperty(
        "spec",
        Map.of(
            "group",
            "metrics.k8s.io",
            "version",
            "v1beta1",
            "service",
            Map.of("namespace", NAMESPACE, "name", SERVICE, "port", 443),
            "caBundle",
            pki.base64("ca.crt"),
            "groupPriorityMinimum",
            100,
            "versionPriority",
            100));
    client.genericKubernetesResources(API_SERVICES).resource(apiService).create();
  }

  /** The API server reached metrics-server and serves its API: the APIService is Available. */
  static boolean available(KubernetesClient client) {
    var apiService = client.genericKubernetesResources(API_SERVICES).withName(API_SERVICE).get();
    if (apiService == null
        || !(apiService.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return false;
    }
    return status.get("conditions") instanceof List<?> conditions
        && conditions.stream()
            .anyMatch(
                c ->
                    c instanceof Map<?, ?> condition
                        && "Available".equals(condition.get("type"))
                        && "True".equals(condition.get("status")));
  }
}
