package io.beastmode.operator.fleet;

import io.beastmode.api.v1alpha1.RegionRedis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a region's Redis is, as one string the operator keys its clients and its per-region maps
 * by: the server's URL, or {@code sentinel:MASTER@URL,URL,...} for the master a Sentinel set names.
 * The Region's own fields stay the truth; this only carries them through code that passes strings.
 */
public final class RedisAddress {
  private static final String SENTINEL = "sentinel:";

  private RedisAddress() {}

  /** The address of a Region's Redis; null when the Region names none. */
  public static String of(RegionRedis redis) {
    if (redis == null) {
      return null;
    }
    if (redis.sentinel == null) {
      return redis.url;
    }
    return SENTINEL + redis.sentinel.masterName + "@" + String.join(",", redis.sentinel.urls);
  }

  public static boolean isSentinel(String address) {
    return address.startsWith(SENTINEL);
  }

  /** The sentinels' URLs of a Sentinel address. */
  public static java.util.List<String> sentinels(String address) {
    String rest = address.substring(SENTINEL.length());
    return Arrays.asList(rest.substring(rest.indexOf('@') + 1).split(","));
  }

  /** The master's name of a Sentinel address. */
  public static String masterName(String address) {
    String rest = address.substring(SENTINEL.length());
    return rest.substring(0, rest.indexOf('@'));
  }

  /** Host and port of a URL, without its password if it has one: what may be logged. */
  public static String hostOf(String url) {
    int at = url.lastIndexOf('@');
    int scheme = url.indexOf("://");
    return url.substring(Math.max(at + 1, scheme < 0 ? 0 : scheme + 3));
  }

  /**
   * A client's options for {@code address}. Through Sentinel the client always writes to the master
   * and, with automatic failover, moves its connections to the new master when Sentinel announces
   * one, so nothing keeps writing to a demoted master (READONLY).
   */
  public static RedisOptions options(String address) {
    if (!isSentinel(address)) {
      return new RedisOptions().setConnectionString(address);
    }
    var options =
        new RedisOptions()
            .setType(RedisClientType.SENTINEL)
            .setMasterName(masterName(address))
            .setRole(RedisRole.MASTER)
            .setAutoFailover(true);
    sentinels(address).forEach(options::addConnectionString);
    return options;
  }

  /**
   * The router's Quarkus Redis settings, as environment variables, for a Region's Redis (the
   * password comes separately, from its Secret).
   */
  public static Map<String, String> routerEnvironment(RegionRedis redis) {
    var env = new LinkedHashMap<String, String>();
    if (redis.sentinel == null) {
      env.put("QUARKUS_REDIS_HOSTS", redis.url);
      return env;
    }
    env.put("QUARKUS_REDIS_HOSTS", String.join(",", redis.sentinel.urls));
    env.put("QUARKUS_REDIS_CLIENT_TYPE", "sentinel");
    env.put("QUARKUS_REDIS_MASTER_NAME", redis.sentinel.masterName);
    env.put("QUARKUS_REDIS_ROLE", "master");
    env.put("QUARKUS_REDIS_AUTO_FAILOVER", "true");
    if (redis.sentinel.ledgerWaitReplicas != null && redis.sentinel.ledgerWaitReplicas > 0) {
      env.put(
          "BEASTMODE_ROUTER_LEDGER_WAIT_REPLICAS", redis.sentinel.ledgerWaitReplicas.toString());
    }
    return env;
  }
}
