package io.beastmode.operator.hub;

import java.time.Duration;

/**
 * How this hub takes part in hub failover.
 *
 * @param name this hub's name, the holder of the regions' hub Leases it takes
 * @param standby installed as a standby: follows the backups, writes to no region
 * @param leaseNamespace the namespace of each region's cluster that holds its hub Lease
 * @param leaseDuration how long a Lease stays valid after a renewal
 * @param recordNamespace the namespace of this hub's own cluster that holds its record
 * @param autoPromotion a standby promotes itself when a majority of regions lost the active hub
 * @param autoPromotionAfter how long those Leases must have been expired first
 */
public record HubSettings(
    String name,
    boolean standby,
    String leaseNamespace,
    Duration leaseDuration,
    String recordNamespace,
    boolean autoPromotion,
    Duration autoPromotionAfter) {

  /** An active hub with the defaults, as most tests run one. */
  public static HubSettings active(String name, Duration leaseDuration) {
    return new HubSettings(
        name, false, "kube-system", leaseDuration, "default", false, Duration.ofSeconds(30));
  }

  public HubSettings asStandby(boolean autoPromotion, Duration after) {
    return new HubSettings(
        name, true, leaseNamespace, leaseDuration, recordNamespace, autoPromotion, after);
  }

  /** How often Leases are renewed and read: a few times per duration. */
  public Duration renewInterval() {
    var interval = leaseDuration.dividedBy(5);
    return interval.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : interval;
  }
}
