package io.beastmode.operator.recovery.store;

import java.util.List;

/**
 * A place sealed snapshots are kept: chunked Secrets in a Region's cluster, or an S3-compatible
 * bucket. A store holds the snapshots of one cluster only: {@link #owner} names it, and a backup
 * never writes into a store another cluster claimed unless told to.
 */
public interface SnapshotStore extends AutoCloseable {

  /** The store cannot be reached or refused the call; nothing was changed by a failed write. */
  public final class Unavailable extends Exception {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The snapshot is not in the store, or not all of it (a chunk is missing). */
  public final class Missing extends Exception {
    public Missing(String message) {
      super(message);
    }
  }

  /**
   * One snapshot in the store.
   *
   * @param name as written, which also orders snapshots by time (see {@link SnapshotNames})
   * @param sizeBytes sealed size
   */
  public record Stored(String name, long sizeBytes) {}

  /**
   * Writes one sealed snapshot. It becomes visible to {@link #list} and {@link #get} only once all
   * of it is written, so a reader never sees part of one.
   */
  public void put(String name, byte[] sealed) throws Unavailable;

  /** The sealed bytes of a snapshot, all of them. */
  public byte[] get(String name) throws Unavailable, Missing;

  /** The complete snapshots the store holds, newest first. */
  public List<Stored> list() throws Unavailable;

  /** Removes a snapshot and every part of it; removing one that is not there does nothing. */
  public void delete(String name) throws Unavailable;

  /** The identity of the cluster whose snapshots the store holds; null while it holds none. */
  public String owner() throws Unavailable;

  /** Records {@code clusterId} as the store's owner. */
  public void claim(String clusterId) throws Unavailable;

  /** Lets go of what the store holds open (an S3 client); nothing by default. */
  @Override
  default void close() {}
}
