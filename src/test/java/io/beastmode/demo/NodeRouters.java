package io.beastmode.demo;

import io.beastmode.testing.NodeRegion;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetSocketAddress;

/**
 * A region's routers as real pods on its node: the node's scheduler, kubelet and containerd run the
 * operator's Deployments from the project's image, and the router Service's ClusterIP (kube-
 * proxy's rules on this host) picks a ready pod for each connection, refusing when none is ready.
 */
final class NodeRouters implements RouterRuntime {
  private final NodeRegion node;
  private final String namespace;
  private final String router;
  private volatile InetSocketAddress service;

  NodeRouters(NodeRegion node, String namespace, String router) {
    this.node = node;
    this.namespace = namespace;
    this.router = router;
  }

  @Override
  public InetSocketAddress nextRouter() {
    if (service == null) {
      try {
        Service found = node.client().services().inNamespace(namespace).withName(router).get();
        if (found != null && found.getSpec().getClusterIP() != null) {
          int port = found.getSpec().getPorts().get(0).getPort();
          service = new InetSocketAddress(found.getSpec().getClusterIP(), port);
        }
      } catch (KubernetesClientException e) {
        // The Service cannot be read now: this connection is refused, the next one asks again.
      }
    }
    return service;
  }

  @Override
  public int readyRouters() {
    return node.readyPods(namespace, "app.kubernetes.io/instance", router).size();
  }

  @Override
  public String describe() {
    return "real pods on node " + NodeRegion.NODE_NAME + " (" + node.nodeIp() + ")";
  }

  /** Real pods keep running: the region's cut Service and API path are what make it dark. */
  @Override
  public void down() {}

  @Override
  public void up() {}

  /** The node is its region's cluster: the region stops it, after its Service. */
  @Override
  public void close() {}
}
