package io.beastmode.wire;

/**
 * The routing ConfigMap of one router in one region, pushed by the operator into the region's Redis
 * right after it writes the ConfigMap, so running routers take a change within a second instead of
 * at the kubelet's next volume sync (up to a minute and a half). One hash per router and region:
 * field {@value #REVISION} and a field per file of the ConfigMap. The mounted files stay the
 * fallback; the revision, which the ConfigMap carries too, orders the two, so neither path can
 * bring back an older config.
 */
public final class RoutingConfigPush {
  public static final String REVISION = "revision";
  public static final String ROUTING = "routing.yaml";
  public static final String TRAFFIC = "traffic.yaml";
  public static final String KEYS = "keys.yaml";

  /**
   * Sets the hash to the given fields only if their revision is newer than the one stored: a late
   * push (an operator that lost its leadership, a replayed write) never replaces a newer config.
   * KEYS[1] the hash, ARGV[1] the revision, then field and value pairs. Returns 1 when written.
   */
  public static final String PUSH_IF_NEWER =
      """
      local stored = tonumber(redis.call('HGET', KEYS[1], 'revision') or '0')
      if stored >= tonumber(ARGV[1]) then return 0 end
      redis.call('HSET', KEYS[1], 'revision', ARGV[1], unpack(ARGV, 2))
      return 1
      """;

  private RoutingConfigPush() {}

  /** The hash of {@code router} ({@code namespace/name}) in {@code region}. */
  public static String key(String router, String region) {
    return "beastmode:routing-config:" + router + ":" + region;
  }
}
