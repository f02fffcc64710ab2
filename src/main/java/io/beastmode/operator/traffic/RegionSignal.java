package io.beastmode.operator.traffic;

/**
 * What the failover engine knows of a region at one moment.
 *
 * @param serving the region's health says it can take traffic (after the probe thresholds)
 * @param draining an operator asked to move traffic away (not a failure: no flap is counted)
 * @param capacityReady the region runs the replicas its next share needs (pre-scale done)
 * @param released an operator asked to release the region from a flap hold
 * @param shedding an SLO's ShiftTraffic action is in force for the region: its share is halved
 * @param overloaded it burns its SLO at its most replicas: it cannot scale its way out, so it is
 *     failed over (and {@code serving} is false)
 */
public record RegionSignal(
    boolean serving,
    boolean draining,
    boolean capacityReady,
    boolean released,
    boolean shedding,
    boolean overloaded) {

  public RegionSignal(boolean serving, boolean draining, boolean capacityReady, boolean released) {
    this(serving, draining, capacityReady, released, false, false);
  }

  public static RegionSignal healthy() {
    return new RegionSignal(true, false, true, false);
  }

  public static RegionSignal down() {
    return new RegionSignal(false, false, true, false);
  }
}
