package io.beastmode.operator.recovery.snapshot;

/**
 * A sealed snapshot did not open. The message says which check failed (and names the object, for a
 * manifest mismatch); it never holds key material or content.
 */
public final class SnapshotRejected extends Exception {

  /** The checks {@link SnapshotSeal#open} makes, in order. */
  public enum Check {
    /** Not a sealed snapshot, or shorter than its header. */
    FORMAT,
    /** A format version this operator does not read. */
    VERSION,
    /** The key given does not open it. */
    KEY,
    /** Its encrypted content was altered or cut short. */
    INTEGRITY,
    /** The decrypted content does not decompress or parse as a snapshot. */
    CONTENT,
    /** An object or entry, or a count, differs from the manifest. */
    MANIFEST,
    /** A change set of continuous mode does not belong on top of the snapshot it is paired with. */
    CHAIN
  }

  private final Check check;

  public SnapshotRejected(Check check, String message) {
    super(message);
    this.check = check;
  }

  /** The check that failed. */
  public Check check() {
    return check;
  }
}
