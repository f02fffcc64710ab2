package io.beastmode.router.config;

import java.util.List;

/**
 * Where a router may forward requests its own region cannot serve, and the share of traffic each
 * region takes. Kept apart from {@link RoutingConfig} because failover changes it often and routers
 * reload it without restarting.
 */
public record TrafficConfig(List<Peer> peers) {

  /**
   * @param region name of the peer region
   * @param url base URL of the peer's routers
   * @param weight share of traffic the region takes, 0 to 100
   */
  public record Peer(String region, String url, int weight) {}
}
