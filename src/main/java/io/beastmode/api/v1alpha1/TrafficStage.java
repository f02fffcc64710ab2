package io.beastmode.api.v1alpha1;

/** Where a region stands in failover and failback. */
public enum TrafficStage {
  /**
   * New to the router: takes nothing until its routers are ready, then its full share at once (it
   * had no traffic to bring back with care). Not a failover: a slow first start counts no flap.
   */
  Starting,
  /** Takes its full share. */
  Active,
  /** Failed; takes nothing until it is serving again. */
  FailedOver,
  /** Serving again; takes nothing until it has stayed healthy for failbackAfterSeconds. */
  Recovering,
  /** Takes a growing part of its share, one shiftSteps entry per failbackAfterSeconds. */
  FailingBack,
  /** Failed over too often within an hour; takes nothing until an operator releases it. */
  HeldOut
}
