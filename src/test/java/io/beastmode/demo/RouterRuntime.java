package io.beastmode.demo;

import java.net.InetSocketAddress;

/**
 * What runs a region's routers from the Deployments the operator writes: real pods on a node, or
 * the kubelet stand-in's processes where no node can run.
 */
interface RouterRuntime extends AutoCloseable {
  /** Where the region's router Service sends the next connection; null when nothing is there. */
  InetSocketAddress nextRouter();

  /** Routers ready to serve. */
  int readyRouters();

  /** What the demo says runs the routers. */
  String describe();

  /** The region goes dark: routers that this runtime can stop, stop. */
  void down();

  void up();

  @Override
  void close();
}
