package io.beastmode.operator.region;

/**
 * What one probe of a region saw.
 *
 * @param apiReachable the region's API server answered within the timeout
 * @param latencyMillis round trip of the API call, when it answered
 * @param routersReady router replicas ready, over all LLMRouters
 * @param routersDesired router replicas desired, over all LLMRouters
 * @param failure why the probe failed, when it did
 */
public record ProbeResult(boolean apiReachable, long latencyMillis, int routersReady, int routersDesired, String failure) {

  public static ProbeResult unreachable(String failure) {
    return new ProbeResult(false, 0, 0, 0, failure);
  }
}
