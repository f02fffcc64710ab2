package io.beastmode.demo;

import io.beastmode.testing.ApiServer;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TcpProxy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * One region on this machine: its own kube-apiserver with etcd, its own Redis, what runs its
 * routers (real pods on a node, or the kubelet stand-in's processes), and the router Service in
 * front of them. The hub reaches the API server through a path that an outage cuts.
 */
public final class LocalRegion implements AutoCloseable {
  public final String name;
  public final ApiServer server;
  public final RedisServer redis;
  private final TcpProxy apiPath;
  private final RouterRuntime routers;
  private final TcpProxy service;
  private final AutoCloseable cluster;

  /**
   * @param routerAddress where the router Service listens: loopback, or the node's address when
   *     routers in pods must reach it too
   */
  private LocalRegion(
      String name,
      ApiServer server,
      RedisServer redis,
      RouterRuntime routers,
      InetAddress routerAddress,
      AutoCloseable cluster) {
    this.name = name;
    this.server = server;
    this.redis = redis;
    this.apiPath =
        new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort());
    this.routers = routers;
    this.service = new TcpProxy(routerAddress, 0, routers::nextRouter);
    this.cluster = cluster;
  }

  /** A region of an API server only, its routers run by the kubelet stand-in. */
  public static LocalRegion start(String name, boolean hub, Path work, InetAddress routerAddress) {
    return start(name, hub, work, routerAddress, deployment -> true);
  }

  /**
   * @param runs the router Deployments whose replicas the kubelet stand-in runs as processes
   */
  public static LocalRegion start(
      String name, boolean hub, Path work, InetAddress routerAddress, Predicate<Deployment> runs) {
    var server = ApiServer.start();
    if (hub) {
      server.withCrds();
    }
    var kubelet = new LocalKubelet(name, server.client(), work.resolve(name), runs);
    return new LocalRegion(name, server, RedisServer.start(), kubelet, routerAddress, server::stop);
  }

  /**
   * A region with a real node that already has the image: its routers are pods, and its Redis
   * listens on the node's address, where they reach it.
   */
  public static LocalRegion onNode(String name, boolean hub, NodeRegion node) {
    if (hub) {
      node.apiServer().withCrds();
    }
    InetAddress nodeAddress = address(node.nodeIp());
    return new LocalRegion(
        name,
        node.apiServer(),
        RedisServer.start(node.nodeIp()),
        new NodeRouters(node, LocalPlatform.NAMESPACE, LocalPlatform.ROUTER),
        nodeAddress,
        node);
  }

  static InetAddress address(String host) {
    try {
      return InetAddress.getByName(host);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + host, e);
    }
  }

  /** Where clients and peer regions (also routers in pods) reach this region's routers. */
  public URI routerEndpoint() {
    return URI.create("http://" + service.host() + ":" + service.port());
  }

  /** A kubeconfig for the hub, through the path an outage cuts. */
  public String kubeconfigFromHub() {
    return apiPath.rewrite(server.kubeconfig());
  }

  public int readyRouters() {
    return routers.readyRouters();
  }

  /** What runs this region's routers, as the demo says it. */
  public String routersRunAs() {
    return routers.describe();
  }

  /** The region goes dark: its API server is unreachable from the hub and its routers stop. */
  public void outage() {
    apiPath.cut();
    service.cut();
    routers.down();
  }

  /**
   * The region's API server hangs for the hub: it accepts connections and never answers, until
   * {@link #recover()}.
   */
  public void hang() {
    apiPath.hang();
  }

  /** The router processes' ids, where the kubelet stand-in runs them; empty otherwise. */
  public List<Long> routerPids() {
    return routers instanceof LocalKubelet kubelet ? kubelet.pids() : List.of();
  }

  /** The router processes' management origins (metrics, health), where the stand-in runs them. */
  public List<InetSocketAddress> routerManagement() {
    return routers instanceof LocalKubelet kubelet ? kubelet.readyManagementAddresses() : List.of();
  }

  /** The region's control plane is gone: its API server cannot be reached; its routers serve on. */
  public void controlPlaneOutage() {
    apiPath.cut();
  }

  public void recover() {
    apiPath.restore();
    service.restore();
    routers.up();
  }

  @Override
  public void close() {
    service.close();
    routers.close();
    apiPath.close();
    try {
      cluster.close();
    } catch (Exception e) {
      System.err.println("[" + name + "] " + e);
    }
    redis.close();
  }
}
