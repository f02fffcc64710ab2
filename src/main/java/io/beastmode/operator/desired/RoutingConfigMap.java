package io.beastmode.operator.desired;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfigPush;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.HashMap;
import java.util.Map;

/**
 * The ConfigMap a region's routers read their files from: {@value #ROUTING_KEY} (models, prices,
 * policy), {@value #TRAFFIC_KEY} (peers and weights, changed by failover) and {@value #KEYS_KEY}
 * (who may call, by key hash). Only the first rolls the routers; they re-read the others. A fourth,
 * {@value #REVISION_KEY}, orders versions: routers take the same files pushed through Redis ({@link
 * io.beastmode.wire.RoutingConfigPush}) and apply whichever copy is newer.
 */
public final class RoutingConfigMap {
  public static final String ROUTING_KEY = RoutingConfigPush.ROUTING;
  public static final String TRAFFIC_KEY = RoutingConfigPush.TRAFFIC;
  public static final String KEYS_KEY = RoutingConfigPush.KEYS;
  public static final String REVISION_KEY = RoutingConfigPush.REVISION;

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

  /** The revision a ConfigMap carries; 0 when it has none (written before revisions existed). */
  public static long revision(ConfigMap configMap) {
    String value =
        configMap == null || configMap.getData() == null
            ? null
            : configMap.getData().get(REVISION_KEY);
    try {
      return value == null ? 0 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * {@code desired} with its revision: the live one while the files are unchanged, otherwise the
   * next, and never below the clock in milliseconds, so a ConfigMap deleted and made again still
   * orders after the copy running routers hold.
   *
   * <p>A new revision is written only over the live object it was counted from: it carries that
   * object's resourceVersion, so the API server refuses the write (409) if another writer (an
   * operator replica handing over) wrote in between. Without it the ConfigMap could end behind the
   * copy pushed to Redis, which the routers would then keep.
   */
  public static ConfigMap withRevision(ConfigMap desired, ConfigMap live, long nowMillis) {
    long liveRevision = revision(live);
    var liveFiles =
        new HashMap<>(live == null || live.getData() == null ? Map.of() : live.getData());
    liveFiles.remove(REVISION_KEY);
    boolean unchanged = liveRevision > 0 && liveFiles.equals(desired.getData());
    long revision = unchanged ? liveRevision : Math.max(liveRevision + 1, nowMillis);
    var data = new HashMap<>(desired.getData());
    data.put(REVISION_KEY, Long.toString(revision));
    var stamped = new ConfigMapBuilder(desired).withData(data).build();
    if (!unchanged && live != null) {
      stamped.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
    }
    return stamped;
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
