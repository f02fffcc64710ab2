package io.beastmode.operator.hub;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * What a hub does with one region's hub Lease, and when a standby may promote itself. Pure: the
 * Lease as last read, and when this process last saw it change, go in; a step comes out.
 *
 * <p>Expiry is judged by how long a Lease has not changed as seen by the reader's own clock (as
 * Kubernetes leader election does), never by comparing two hubs' clocks.
 */
public final class HubLeaseRules {
  private HubLeaseRules() {}

  /** A region's hub Lease as read: its holder, epoch and how long it is valid after a renewal. */
  public record LeaseView(String holder, long epoch, Duration duration) {}

  public enum Step {
    /** No Lease, or an older hub's that expired (or is gone for certain): take it. */
    TAKE,
    /** Ours: renew it. */
    RENEW,
    /** An older hub's that has not expired yet: wait for it. */
    WAIT,
    /** A hub with an epoch as new as ours or newer holds it: this hub writes nowhere any more. */
    FENCED
  }

  /**
   * @param lease the Lease as read; empty when there is none
   * @param unchangedFor how long this process has seen the Lease unchanged
   * @param oldHubGone the previous hub is known to be gone, so its Lease need not expire
   */
  public static Step next(
      Optional<LeaseView> lease,
      String hub,
      long epoch,
      Duration unchangedFor,
      boolean oldHubGone) {
    if (lease.isEmpty()) {
      return Step.TAKE;
    }
    var current = lease.get();
    if (current.holder().equals(hub) && current.epoch() == epoch) {
      return Step.RENEW;
    }
    // The same epoch under another name means two hubs promoted at once: fencing both writes
    // nothing anywhere, which is safe; letting both write is not.
    if (current.epoch() >= epoch) {
      return Step.FENCED;
    }
    return oldHubGone || expired(current, unchangedFor) ? Step.TAKE : Step.WAIT;
  }

  public static boolean expired(LeaseView lease, Duration unchangedFor) {
    return unchangedFor.compareTo(lease.duration()) > 0;
  }

  /** The epoch a promotion takes: above every epoch seen in a region and above this hub's own. */
  public static long nextEpoch(Collection<Long> seen, long own) {
    return Math.max(own, seen.stream().mapToLong(Long::longValue).max().orElse(0)) + 1;
  }

  /**
   * Whether a standby may promote itself: more than half of all regions (not of those it can reach)
   * were read with the active hub's Lease expired for longer than {@code after}. A standby cut off
   * with a minority of regions cannot count a majority, so it never promotes.
   *
   * @param expiredFor for each region read, how long its Lease has been expired (zero when live)
   */
  public static boolean majorityLost(Collection<Duration> expiredFor, int regions, Duration after) {
    long lost = expiredFor.stream().filter(d -> d.compareTo(after) > 0).count();
    return regions > 0 && lost * 2 > regions;
  }

  /** How long a Lease has been expired, given how long it was seen unchanged; zero while live. */
  public static Duration expiredFor(LeaseView lease, Duration unchangedFor) {
    var over = unchangedFor.minus(lease.duration());
    return over.isNegative() ? Duration.ZERO : over;
  }

  /** When a renewal made at {@code renewed} stops allowing writes: a margin before expiry. */
  public static Instant writableUntil(Instant renewed, Duration duration) {
    return renewed.plus(duration.multipliedBy(2).dividedBy(3));
  }
}
