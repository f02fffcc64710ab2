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
public final class LocalRegion implements AutoCloseable {
  public final String name;
  public final ApiServer server;
  public final RedisServer redis;
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

  public static LocalRegion start(String name, boolean hub, Path work) {
    var server = ApiServer.start();
    if (hub) {
      server.withCrds();
    }
    return new LocalRegion(name, server, work);
  }

  /** Where clients and peer regions reach this region's routers. */
  public URI routerEndpoint() {
    return URI.create("http://127.0.0.1:" + service.port());
  }

  /** A kubeconfig for the hub, through the path an outage cuts. */
  public String kubeconfigFromHub() {
    return apiPath.rewrite(server.kubeconfig());
  }

  public int readyRouters() {
    return kubelet.readyPods().size();
  }

  /** The region goes dark: its API server is unreachable from the hub and its routers stop. */
  public void outage() {
    apiPath.cut();
    service.cut();
    kubelet.down();
  }

  /** The region's control plane is gone: its API server cannot be reached; its routers serve on. */
  public void controlPlaneOutage() {
    apiPath.cut();
  }

  public void recover() {
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
