package io.beastmode.operator.recovery.snapshot;

import io.beastmode.operator.recovery.snapshot.SnapshotRejected.Check;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a snapshot for a store and opens it again. A sealed snapshot is, format version 1:
 *
 * <pre>
 * offset  bytes  field
 *      0      4  magic "BMSN"
 *      4      1  format version (1)
 *      5      4  key id: the first 4 bytes of SHA-256(policy key), {@link SnapshotKey#id} in clear
 *      9     12  wrap nonce
 *     21     48  data key wrapped: AES-256-GCM under the policy key, wrap nonce, associated data
 *                bytes 0..21; 32 bytes of key and a 16-byte tag
 *     69     12  content nonce
 *     81  n + 16 content: AES-256-GCM under the data key, content nonce, associated data
 *                bytes 0..81 (the whole header); gzip of the snapshot's JSON ({@link SnapshotJson})
 *                and a 16-byte tag
 * </pre>
 *
 * <p>Every snapshot has its own random 256-bit data key, so no two seals of one snapshot are alike
 * and the policy key only ever encrypts 32 random bytes. The data key is wrapped with AES-GCM
 * rather than the JCE's AESWrap (RFC 3394): GCM takes associated data, so the magic, version and
 * key id are bound to the wrapped key as well as to the content, and one primitive serves both.
 * Random 96-bit nonces under one policy key stay within GCM's limit (2^32 seals) by orders of
 * magnitude. The header is the content's associated data, so no byte of it (version, key id,
 * wrapped key, nonces) can be changed or swapped with another snapshot's without {@link #open}
 * refusing it.
 */
public final class SnapshotSeal {

  private static final byte[] MAGIC = "BMSN".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION_AT = 4;
  private static final int KEY_ID_AT = 5;
  private static final int WRAP_NONCE_AT = KEY_ID_AT + SnapshotKey.ID_BYTES;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BYTES = 16;
  private static final int DATA_KEY_BYTES = 32;
  private static final int WRAPPED_AT = WRAP_NONCE_AT + NONCE_BYTES;
  private static final int WRAPPED_BYTES = DATA_KEY_BYTES + TAG_BYTES;
  private static final int CONTENT_NONCE_AT = WRAPPED_AT + WRAPPED_BYTES;

  /** Length of the header, which the content's tag covers. */
  static final int HEADER_BYTES = CONTENT_NONCE_AT + NONCE_BYTES;

  private static final SecureRandom RANDOM = new SecureRandom();

  private SnapshotSeal() {}

  /** The snapshot, compressed and encrypted under a fresh data key wrapped by {@code key}. */
  public static byte[] seal(Snapshot snapshot, SnapshotKey key) {
    return seal(snapshot, key, UnaryOperator.identity());
  }

  /** As {@link #seal}, with the JSON passed through {@code alterJson} first: for tests only. */
  public static byte[] seal(Snapshot snapshot, SnapshotKey key, UnaryOperator<byte[]> alterJson) {
    byte[] compressed = gzip(alterJson.apply(SnapshotJson.write(snapshot)));

    byte[] dataKey = random(DATA_KEY_BYTES);
    byte[] header = new byte[HEADER_BYTES];
    System.arraycopy(MAGIC, 0, header, 0, MAGIC.length);
    header[VERSION_AT] = (byte) SnapshotManifest.FORMAT_VERSION;
    System.arraycopy(key.idBytes(), 0, header, KEY_ID_AT, SnapshotKey.ID_BYTES);
    byte[] wrapNonce = random(NONCE_BYTES);
    System.arraycopy(wrapNonce, 0, header, WRAP_NONCE_AT, NONCE_BYTES);
    byte[] contentNonce = random(NONCE_BYTES);
    System.arraycopy(contentNonce, 0, header, CONTENT_NONCE_AT, NONCE_BYTES);
    try {
      byte[] wrapped =
          gcm(Cipher.ENCRYPT_MODE, key.secretKey(), wrapNonce, header, WRAPPED_AT).doFinal(dataKey);
      System.arraycopy(wrapped, 0, header, WRAPPED_AT, WRAPPED_BYTES);
      Cipher content =
          gcm(
              Cipher.ENCRYPT_MODE,
              new SecretKeySpec(dataKey, "AES"),
              contentNonce,
              header,
              HEADER_BYTES);
      byte[] sealed =
          Arrays.copyOf(header, HEADER_BYTES + content.getOutputSize(compressed.length));
      content.doFinal(compressed, 0, compressed.length, sealed, HEADER_BYTES);
      return sealed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES-GCM", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }
  }

  /**
   * The snapshot sealed in {@code sealed}, once every check has passed: the magic and format
   * version, the key (by its id, then by unwrapping the data key), the content's GCM tag, gunzip,
   * parsing, and every object and Redis entry and both counts against the manifest. Nothing is
   * returned from a snapshot that fails any of them.
   *
   * @throws SnapshotRejected naming the check that failed
   */
  public static Snapshot open(byte[] sealed, SnapshotKey key) throws SnapshotRejected {
    checkHeader(sealed);
    if (sealed.length < HEADER_BYTES + TAG_BYTES) {
      throw new SnapshotRejected(
          Check.FORMAT,
          "the snapshot is truncated: "
              + sealed.length
              + " bytes, a sealed snapshot has at least "
              + (HEADER_BYTES + TAG_BYTES));
    }
    String sealedWith = keyIdOf(sealed);
    if (!MessageDigest.isEqual(
        key.idBytes(), Arrays.copyOfRange(sealed, KEY_ID_AT, WRAP_NONCE_AT))) {
      throw new SnapshotRejected(
          Check.KEY,
          "the key does not open this snapshot: it was sealed with key "
              + sealedWith
              + ", the key given is "
              + key.id());
    }
    byte[] header = Arrays.copyOf(sealed, HEADER_BYTES);

    byte[] dataKey;
    try {
      dataKey =
          gcm(
                  Cipher.DECRYPT_MODE,
                  key.secretKey(),
                  Arrays.copyOfRange(header, WRAP_NONCE_AT, WRAPPED_AT),
                  header,
                  WRAPPED_AT)
              .doFinal(header, WRAPPED_AT, WRAPPED_BYTES);
    } catch (AEADBadTagException e) {
      throw new SnapshotRejected(
          Check.KEY,
          "the key does not open this snapshot: its data key fails to unwrap under key "
              + key.id()
              + " (the header was altered, or another key has the same id)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES-GCM", e);
    }

    byte[] compressed;
    try {
      compressed =
          gcm(
                  Cipher.DECRYPT_MODE,
                  new SecretKeySpec(dataKey, "AES"),
                  Arrays.copyOfRange(header, CONTENT_NONCE_AT, HEADER_BYTES),
                  header,
                  HEADER_BYTES)
              .doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES);
    } catch (AEADBadTagException e) {
      throw new SnapshotRejected(
          Check.INTEGRITY,
          "the snapshot's content fails its integrity check: it was altered or truncated");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has AES-GCM", e);
    } finally {
      Arrays.fill(dataKey, (byte) 0);
    }

    byte[] json;
    try {
      json = gunzip(compressed);
    } catch (IOException e) {
      throw new SnapshotRejected(Check.CONTENT, "the snapshot's content does not decompress");
    }
    try {
      return SnapshotJson.read(json);
    } catch (SnapshotJson.Malformed e) {
      throw new SnapshotRejected(
          Check.CONTENT, "the snapshot's content is not a snapshot: " + e.getMessage());
    } catch (Snapshot.Mismatch e) {
      throw new SnapshotRejected(
          Check.MANIFEST, "the snapshot does not match its manifest: " + e.getMessage());
    }
  }

  /**
   * The {@link SnapshotKey#id} of the key a sealed snapshot needs, read from its header in clear
   * (nothing is decrypted, so this does not prove the snapshot is intact).
   *
   * @throws SnapshotRejected when the bytes are not a sealed snapshot of a known version
   */
  public static String keyId(byte[] sealed) throws SnapshotRejected {
    checkHeader(sealed);
    if (sealed.length < WRAP_NONCE_AT) {
      throw new SnapshotRejected(Check.FORMAT, "the snapshot is truncated before its key id");
    }
    return keyIdOf(sealed);
  }

  private static void checkHeader(byte[] sealed) throws SnapshotRejected {
    if (sealed == null
        || sealed.length < MAGIC.length
        || !Arrays.equals(sealed, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new SnapshotRejected(Check.FORMAT, "not a sealed snapshot (no BMSN header)");
    }
    if (sealed.length <= VERSION_AT) {
      throw new SnapshotRejected(Check.FORMAT, "the snapshot is truncated before its version");
    }
    int version = Byte.toUnsignedInt(sealed[VERSION_AT]);
    if (version != SnapshotManifest.FORMAT_VERSION) {
      throw new SnapshotRejected(
          Check.VERSION,
          "the snapshot has format version "
              + version
              + "; this operator reads format version "
              + SnapshotManifest.FORMAT_VERSION);
    }
  }

  private static String keyIdOf(byte[] sealed) {
    return HexFormat.of().formatHex(sealed, KEY_ID_AT, WRAP_NONCE_AT);
  }

  /** AES-GCM with a 128-bit tag, the first {@code aadLength} bytes of {@code header} as AAD. */
  private static Cipher gcm(int mode, SecretKey key, byte[] nonce, byte[] header, int aadLength)
      throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
    cipher.updateAAD(header, 0, aadLength);
    return cipher;
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] gzip(byte[] bytes) {
    var out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (var gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }
}
