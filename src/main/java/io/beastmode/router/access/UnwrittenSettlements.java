package io.beastmode.router.access;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Budgeted settlements this router could not see written (Redis was unreachable, its reply was
 * lost, or a replica did not confirm it in time), kept to be written again when Redis answers. The
 * ledger counts each settlement once however often it is sent, so sending one again is safe.
 * Bounded: past {@link #capacity} the oldest stay and the newest are dropped and counted, which
 * leaves spend out of the ledger (a budget then admits more, never refuses wrongly).
 */
public final class UnwrittenSettlements {

  /**
   * @param at when the request settled: its spend counts in that day's and month's counters
   */
  public record Unwritten(
      QuotaLedger.Reservation reservation, long tokens, long nanoUsd, Instant at) {}

  private final ConcurrentLinkedQueue<Unwritten> kept = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final int capacity;

  public UnwrittenSettlements(int capacity) {
    this.capacity = capacity;
  }

  /** Keeps a settlement to write again; false (and counted) when full. */
  public boolean keep(Unwritten settlement) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    kept.add(settlement);
    return true;
  }

  /** Takes at most {@code most} of the kept settlements, oldest first. */
  public List<Unwritten> take(int most) {
    var taken = new ArrayList<Unwritten>();
    Unwritten next;
    while (taken.size() < most && (next = kept.poll()) != null) {
      size.decrementAndGet();
      taken.add(next);
    }
    return taken;
  }

  public int size() {
    return size.get();
  }

  /** Settlements dropped because the journal was full: spend the ledger never learns of. */
  public long dropped() {
    return dropped.get();
  }
}
