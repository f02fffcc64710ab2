package io.beastmode.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The digest the roles agree on: config versions in heartbeats, owner label values. */
public final class Digests {
  /**
   * A digest per thread, reused: a keyed router hashes the key of every request, and looking a
   * digest up costs more than hashing a key.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is part of every JRE", e);
            }
          });

  private Digests() {}

  /** SHA-256 of the UTF-8 text, as 64 lower-case hex digits. */
  public static String sha256Hex(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** SHA-256 of the bytes, as 64 lower-case hex digits. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes));
  }

  /** SHA-256 of the bytes. */
  public static byte[] sha256(byte[] bytes) {
    MessageDigest digest = SHA_256.get();
    digest.reset();
    return digest.digest(bytes);
  }
}
