package io.beastmode.operator.access;

import java.security.SecureRandom;
import java.util.Base64;

/** Fresh key values: 256 random bits, URL-safe, with a prefix that says what they are. */
final class KeyValues {
  static final String PREFIX = "bm-";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyValues() {}

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
