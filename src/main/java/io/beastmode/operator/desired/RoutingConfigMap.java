package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;

/**
 * The ConfigMap a region's routers read their files from: {@value #ROUTING_KEY} (models, prices,
 * policy), {@value #TRAFFIC_KEY} (peers and weights, changed by failover) and {@value #KEYS_KEY}
 * (who may call, by key hash). Only the first rolls the routers; they re-read the others.
 */
public final class RoutingConfigMap {
  public static final String ROUTING_KEY = "routing.yaml";
  public static final String TRAFFIC_KEY = "traffic.yaml";
  public static final String KEYS_KEY = "keys.yaml";

  private RoutingConfigMap() {}

  public static String name(String routerName) {
    return routerName + "-routing";
  }

  /** Version of the traffic file, as routers report it in their heartbeats. */
  public static String trafficHash(ConfigMap configMap) {
    return ConfigYaml.version(configMap.getData().get(TRAFFIC_KEY));
  }

  /**
   * Hash of the routing config only: traffic weights change on failover and are hot-reloaded, so
   * they must not roll the routers.
   */
  public static String configHash(ConfigMap configMap) {
    return ConfigYaml.version(configMap.getData().get(ROUTING_KEY));
  }

  static ConfigMap build(
      ObjectMeta metadata,
      ResolvedRouter router,
      Region region,
      Map<String, Integer> weights,
      boolean degraded,
      AccessConfig access) {
    return new ConfigMapBuilder()
        .withMetadata(metadata)
        .withData(
            Map.of(
                ROUTING_KEY,
                ConfigYaml.write(RoutingConfigRenderer.routing(router, region)),
                TRAFFIC_KEY,
                ConfigYaml.write(RoutingConfigRenderer.traffic(router, region, weights, degraded)),
                KEYS_KEY,
                ConfigYaml.write(access)))
        .build();
  }
}
