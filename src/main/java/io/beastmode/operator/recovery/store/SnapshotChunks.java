package io.beastmode.operator.recovery.store;

import io.beastmode.wire.Digests;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a sealed snapshot into chunks for a store that caps its objects (a Secret holds at most 1
 * MiB, and its data is base64, so the Secret store uses chunks of about 700 KiB), and joins them
 * again. Each chunk says which snapshot it is part of, its index and how many there are:
 *
 * <pre>
 * offset  bytes  field
 *      0      4  magic "BMSC"
 *      4      1  chunk format version (1)
 *      5     32  SHA-256 of the whole sealed snapshot
 *     37      4  index, from 0 (big-endian)
 *     41      4  total number of chunks (big-endian)
 *     45      n  the next n bytes of the sealed snapshot
 * </pre>
 *
 * So {@link #join} tells a missing, repeated or foreign chunk from a complete set, and puts the
 * chunks in index order whatever order they are given in.
 */
public final class SnapshotChunks {

  private static final byte[] MAGIC = "BMSC".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;
  private static final int DIGEST_AT = 5;
  private static final int DIGEST_BYTES = 32;
  private static final int INDEX_AT = DIGEST_AT + DIGEST_BYTES;
  private static final int TOTAL_AT = INDEX_AT + 4;

  /** Bytes of each chunk taken by its header. */
  public static final int HEADER_BYTES = TOTAL_AT + 4;

  private SnapshotChunks() {}

  /**
   * The sealed snapshot in chunks of at most {@code maxChunkBytes} bytes each, header included; one
   * chunk when it fits in one.
   *
   * @throws IllegalArgumentException when {@code maxChunkBytes} leaves no room after the header
   */
  public static List<byte[]> split(byte[] sealed, int maxChunkBytes) {
    if (maxChunkBytes <= HEADER_BYTES) {
      throw new IllegalArgumentException(
          "a chunk of "
              + maxChunkBytes
              + " bytes leaves no room after its "
              + HEADER_BYTES
              + "-byte header");
    }
    int payload = maxChunkBytes - HEADER_BYTES;
    int total = Math.max(1, (sealed.length + payload - 1) / payload);
    byte[] digest = Digests.sha256(sealed);
    List<byte[]> chunks = new ArrayList<>(total);
    for (int index = 0; index < total; index++) {
      int from = index * payload;
      int length = Math.min(payload, sealed.length - from);
      chunks.add(
          ByteBuffer.allocate(HEADER_BYTES + length)
              .put(MAGIC)
              .put(VERSION)
              .put(digest)
              .putInt(index)
              .putInt(total)
              .put(sealed, from, length)
              .array());
    }
    return chunks;
  }

  /**
   * The sealed snapshot the chunks make up, in any order.
   *
   * @throws SnapshotStore.Missing naming the chunk that is missing, repeated, not a chunk, or of
   *     another snapshot, or when the joined bytes do not match the snapshot's digest
   */
  public static byte[] join(List<byte[]> chunks) throws SnapshotStore.Missing {
    if (chunks.isEmpty()) {
      throw new SnapshotStore.Missing("no chunks of the snapshot");
    }
    byte[] digest = null;
    int total = -1;
    Map<Integer, byte[]> byIndex = new HashMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      if (chunk == null
          || chunk.length < HEADER_BYTES
          || !Arrays.equals(chunk, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
          || chunk[MAGIC.length] != VERSION) {
        throw new SnapshotStore.Missing("chunk " + i + " as given is not a snapshot chunk");
      }
      ByteBuffer header = ByteBuffer.wrap(chunk);
      int index = header.getInt(INDEX_AT);
      int chunkTotal = header.getInt(TOTAL_AT);
      byte[] chunkDigest = Arrays.copyOfRange(chunk, DIGEST_AT, DIGEST_AT + DIGEST_BYTES);
      if (digest == null) {
        digest = chunkDigest;
        total = chunkTotal;
        if (total < 1) {
          throw new SnapshotStore.Missing("chunk " + i + " as given has no valid total");
        }
      } else if (!Arrays.equals(digest, chunkDigest)) {
        throw new SnapshotStore.Missing(
            "chunk " + index + " belongs to another snapshot than the first chunk given");
      } else if (chunkTotal != total) {
        throw new SnapshotStore.Missing(
            "chunk " + index + " says there are " + chunkTotal + " chunks, another says " + total);
      }
      if (index < 0 || index >= total) {
        throw new SnapshotStore.Missing(
            "chunk " + index + " is out of range for a snapshot of " + total + " chunks");
      }
      if (byIndex.put(index, chunk) != null) {
        throw new SnapshotStore.Missing("chunk " + index + " of " + total + " is given twice");
      }
    }

    int length = 0;
    for (int index = 0; index < total; index++) {
      byte[] chunk = byIndex.get(index);
      if (chunk == null) {
        throw new SnapshotStore.Missing("chunk " + index + " of " + total + " is missing");
      }
      length = Math.addExact(length, chunk.length - HEADER_BYTES);
    }
    byte[] sealed = new byte[length];
    int at = 0;
    for (int index = 0; index < total; index++) {
      byte[] chunk = byIndex.get(index);
      System.arraycopy(chunk, HEADER_BYTES, sealed, at, chunk.length - HEADER_BYTES);
      at += chunk.length - HEADER_BYTES;
    }
    if (!Arrays.equals(Digests.sha256(sealed), digest)) {
      throw new SnapshotStore.Missing(
          "the chunks joined do not match their snapshot's SHA-256: a chunk was altered");
    }
    return sealed;
  }
}
