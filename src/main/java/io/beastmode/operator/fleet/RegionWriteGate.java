package io.beastmode.operator.fleet;

/**
 * Whether this hub may write to a region now: it holds the region's hub Lease with the current
 * epoch. The hub's Lease keeper sets it; without one (a single-hub test), every write is allowed.
 */
@FunctionalInterface
public interface RegionWriteGate {
  RegionWriteGate ALWAYS = region -> true;

  boolean mayWrite(String region);

  /**
   * Whether this hub may write to the region's Redis: where it holds the region's Lease, and also
   * where it cannot reach the region's cluster to take it while it holds another region's (a region
   * whose cluster is cut off keeps its budget allowance). A fenced hub, or one that holds no Lease
   * at all, writes to no Redis.
   */
  default boolean mayWriteRedis(String region) {
    return mayWrite(region);
  }

  /** The HubLease condition a Region shows; empty where no hub Leases are kept. */
  default java.util.Optional<io.beastmode.api.v1alpha1.Condition> condition(String region) {
    return java.util.Optional.empty();
  }

  /** A newer hub took over: this one writes nothing anywhere, backups included. */
  default boolean fenced() {
    return false;
  }
}
