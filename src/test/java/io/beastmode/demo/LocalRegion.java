package io.beastmode.demo;

import io.beastmode.testing.ApiServer;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TcpProxy;
import java.net.URI;
import java.nio.file.Path;

/**
 * One region on this machine: its own kube-apiserver with etcd, its own Redis, a kubelet stand-in
 * running its routers as processes, and the router Service in front of them. The hub reaches the
 * API server through a path that an outage cuts.
 */
final class LocalRegion implements AutoCloseable {
  final String name;
  final ApiServer server;
  final RedisServer redis;
  private final TcpProxy apiPath;
  private final LocalKubelet kubelet;
  private final TcpProxy service;

  private LocalRegion(String name, ApiServer server, Path work) {
    this.name = name;
    this.server = server;
    this.redis = RedisServer.start();
    this.apiPath =
        new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort());
    this.kubelet = new LocalKubelet(name, server.client(), work.resolve(name));
    this.service = new TcpProxy(kubelet::nextReadyPort, 0);
  }

  static LocalRegion start(String name, boolean hub, Path work) {
    var server = ApiServer.start();
    if (hub) {
      server.withCrds();
    }
    return new LocalRegion(name, server, work);
  }

  /** Where clients and peer regions reach this region's routers. */
  URI routerEndpoint() {
    return URI.create("http://127.0.0.1:" + service.port());
  }

  /** A kubeconfig for the hub, through the path an outage cuts. */
  String kubeconfigFromHub() {
    return apiPath.rewrite(server.kubeconfig());
  }

  int readyRouters() {
    return kubelet.readyPods().size();
  }

  /** The region goes dark: its API server is unreachable from the hub and its routers stop. */
  void outage() {
    apiPath.cut();
    service.cut();
    kubelet.down();
  }

  void recover() {
    apiPath.restore();
    service.restore();
    kubelet.up();
  }

  @Override
  public void close() {
    service.close();
    kubelet.close();
    apiPath.close();
    server.stop();
    redis.close();
  }
}
