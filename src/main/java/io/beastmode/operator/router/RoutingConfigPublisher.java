package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.wire.RoutingConfigPush;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Pushes each routing ConfigMap the operator writes into its region's Redis, where the routers read
 * it within a second ({@link RoutingConfigPush}). Fire and forget: a Redis that does not answer
 * never holds up a reconcile, and the routers still get the files through the mounted ConfigMap. A
 * push is sent again on the next reconcile until Redis has taken it, and every {@link
 * #RESEND_MILLIS} after, so a Redis that lost it in a failover gets it back.
 */
final class RoutingConfigPublisher {
  private static final Logger LOG = Logger.getLogger(RoutingConfigPublisher.class);
  static final long RESEND_MILLIS = 30_000;

  private final RegionRedisClients redis;

  /** Per Redis hash: the revision Redis took last and when. */
  private final Map<String, Taken> taken = new ConcurrentHashMap<>();

  /** Per Redis hash, whether the last push failed: each failure streak is logged once. */
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

  private record Taken(long revision, long atMillis) {}

  RoutingConfigPublisher(RegionRedisClients redis) {
    this.redis = redis;
  }

  void publish(RouterKey router, Region region, ConfigMap configMap, long nowMillis) {
    String address = RedisAddress.of(region.getSpec().redis);
    long revision = RoutingConfigMap.revision(configMap);
    if (address == null || revision == 0) {
      return;
    }
    String key = RoutingConfigPush.key(router.toString(), region.getMetadata().getName());
    Taken last = taken.get(key);
    if (last != null && last.revision == revision && nowMillis - last.atMillis < RESEND_MILLIS) {
      return;
    }
    var eval =
        Request.cmd(Command.EVAL)
            .arg(RoutingConfigPush.PUSH_IF_NEWER)
            .arg(1)
            .arg(key)
            .arg(revision);
    configMap.getData().entrySet().stream()
        .filter(file -> !file.getKey().equals(RoutingConfigMap.REVISION_KEY))
        .sorted(Map.Entry.comparingByKey())
        .forEach(file -> eval.arg(file.getKey()).arg(file.getValue()));
    redis
        .client(address)
        .send(eval)
        .onSuccess(
            written -> {
              taken.put(key, new Taken(revision, nowMillis));
              if (failing.remove(key) != null) {
                LOG.infof("routing config push to %s works again", key);
              }
            })
        .onFailure(
            error -> {
              if (failing.put(key, true) == null) {
                LOG.warnf(
                    "pushing routing config revision %d to %s failed, routers read the mounted"
                        + " files meanwhile: %s",
                    revision, key, error.getMessage());
              }
            });
  }
}
