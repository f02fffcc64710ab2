package io.beastmode.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Where a router may forward requests its own region cannot serve, and the share of traffic each
 * region takes. Kept apart from {@link RoutingConfig} because failover changes it often and routers
 * reload it without restarting.
 *
 * @param degraded an SLO's DegradeModel action is in force: aliases prefer the fastest models
 */
public record TrafficConfig(
    List<Peer> peers, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean degraded) {

  public TrafficConfig(List<Peer> peers) {
    this(peers, false);
  }

  /**
   * @param region name of the peer region
   * @param url base URL of the peer's routers
   * @param weight share of traffic the region takes, 0 to 100
   */
  public record Peer(String region, String url, int weight) {}
}
