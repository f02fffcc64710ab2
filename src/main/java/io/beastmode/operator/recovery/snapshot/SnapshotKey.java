package io.beastmode.operator.recovery.snapshot;

import io.beastmode.wire.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A BackupPolicy's key: 32 bytes (AES-256) that seal and open its snapshots. It comes from one
 * value of a Secret, which may hold either
 *
 * <ul>
 *   <li>the 32 bytes themselves, or
 *   <li>base64 of 32 bytes, as {@code openssl rand -base64 32} prints it (a trailing newline, as
 *       {@code kubectl create secret generic --from-file} keeps it, is allowed):
 *       <pre>
 * kubectl create secret generic backup-key --from-literal=key="$(openssl rand -base64 32)"
 * </pre>
 * </ul>
 *
 * A value that is all printable ASCII is read as base64 text, even when it is 32 characters long:
 * random bytes are text by chance once in about 2^43 keys, while 32 characters are far more likely
 * {@code openssl rand -base64 24}, {@code openssl rand -hex 16} or a passphrase, none of which is a
 * 256-bit key. Any other value must be exactly the 32 bytes. Anything else is refused with a
 * message giving the expected length, never the value. The key bytes stay in this class; {@link
 * #toString} and {@link #id} show only a fingerprint.
 */
public final class SnapshotKey {

  /** Length of a key in bytes. */
  public static final int LENGTH = 32;

  /** The value given cannot be a key; the message says why without repeating it. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message);
    }
  }

  /** Bytes of the SHA-256 of the key that make up its {@link #id}. */
  static final int ID_BYTES = 4;

  private final byte[] bytes;
  private final String id;

  private SnapshotKey(byte[] bytes) {
    this.bytes = bytes;
    this.id = HexFormat.of().formatHex(Digests.sha256(bytes), 0, ID_BYTES);
  }

  /**
   * The key in a Secret's value, decoded (what {@code stringData} was given, or {@code data} after
   * its base64): 32 raw bytes, or base64 of 32 bytes, as the class comment says.
   */
  public static SnapshotKey fromValue(byte[] value) throws Invalid {
    if (value == null || value.length == 0) {
      throw new Invalid(expected("the value is empty"));
    }
    String text = trimmed(value);
    if (text == null) {
      if (value.length == LENGTH) {
        return new SnapshotKey(value.clone());
      }
      throw new Invalid(expected("the value is " + value.length + " bytes"));
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      // The decoder's message names the offending character: not repeated, and no cause attached.
      throw new Invalid(
          expected("the value is " + value.length + " characters of text and not base64"));
    }
    if (decoded.length != LENGTH) {
      throw new Invalid(expected("the value is base64 of " + decoded.length + " bytes"));
    }
    return new SnapshotKey(decoded);
  }

  /**
   * The key in a Secret's {@code data} entry as the API returns it (base64 of the value); the value
   * is then read as {@link #fromValue}.
   */
  public static SnapshotKey fromSecretData(String data) throws Invalid {
    if (data == null) {
      throw new Invalid(expected("the Secret has no such value"));
    }
    byte[] value;
    try {
      value = Base64.getDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      throw new Invalid("the Secret's data entry is not base64");
    }
    return fromValue(value);
  }

  /**
   * A fingerprint of the key: the first 8 hex digits of its SHA-256. A sealed snapshot carries it
   * in clear, so a user can be told which key a snapshot needs.
   */
  public String id() {
    return id;
  }

  /** The first {@link #ID_BYTES} bytes of the key's SHA-256, as written in a sealed header. */
  public byte[] idBytes() {
    return HexFormat.of().parseHex(id);
  }

  public SecretKey secretKey() {
    return new SecretKeySpec(bytes, "AES");
  }

  @Override
  public String toString() {
    return "SnapshotKey[id=" + id + "]";
  }

  private static String expected(String found) {
    return "a snapshot key must be "
        + LENGTH
        + " bytes, or base64 of "
        + LENGTH
        + " bytes (openssl rand -base64 "
        + LENGTH
        + "); "
        + found;
  }

  /** The value as ASCII text without surrounding whitespace, or null when it is not ASCII text. */
  private static String trimmed(byte[] value) {
    for (byte b : value) {
      if (b < 0x09 || b > 0x7e || (b > 0x0d && b < 0x20)) {
        return null;
      }
    }
    return new String(value, StandardCharsets.US_ASCII).strip();
  }
}
