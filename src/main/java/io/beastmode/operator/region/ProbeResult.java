package io.beastmode.operator.region;

/**
 * What one probe of a region saw.
 *
 * @param apiReachable the region's API server answered within the timeout
 * @param latencyMillis round trip of the API call, when it answered
 * @param routersReady router replicas ready, over all LLMRouters
 * @param routersDesired router replicas desired, over all LLMRouters
 * @param failure why the API probe failed, when it did
 * @param liveRouters router pods whose heartbeat in the region's Redis is fresh; null when the
 *     region has no Redis or it could not be read
 * @param heartbeatFailure why heartbeats could not be read, when they could not
 */
public record ProbeResult(
    boolean apiReachable,
    long latencyMillis,
    int routersReady,
    int routersDesired,
    String failure,
    Integer liveRouters,
    String heartbeatFailure) {

  public static ProbeResult unreachable(String failure) {
    return new ProbeResult(false, 0, 0, 0, failure, null, null);
  }

  public ProbeResult withHeartbeats(Integer live, String heartbeatFailure) {
    return new ProbeResult(
        apiReachable, latencyMillis, routersReady, routersDesired, failure, live, heartbeatFailure);
  }

  /**
   * Whether the region can take traffic by this probe: its API answers and, once it runs routers,
   * some are ready and (where heartbeats are read) some publish them.
   */
  public boolean vital() {
    return apiReachable
        && (routersDesired == 0 || routersReady > 0 && (liveRouters == null || liveRouters > 0));
  }

  /**
   * Some signal is short of full health: not every router ready, or heartbeats missing or
   * unreadable.
   */
  public boolean partial() {
    return routersReady < routersDesired
        || heartbeatFailure != null
        || liveRouters != null && routersDesired > 0 && liveRouters < routersReady;
  }
}
