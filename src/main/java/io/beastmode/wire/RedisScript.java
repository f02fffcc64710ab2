package io.beastmode.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script that routers and the operator run in a region's Redis, from {@code /quota/}: sent by
 * its SHA-1 (EVALSHA), and in full when that Redis has not seen it yet.
 */
public record RedisScript(String text, String sha1) {

  public static RedisScript load(String name) {
    try (InputStream in = RedisScript.class.getResourceAsStream("/quota/" + name)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new RedisScript(text, sha1(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The arguments of EVALSHA (or, with the text, EVAL): the script, the keys, the arguments. */
  public List<String> arguments(boolean full, List<String> keys, List<String> args) {
    var all = new java.util.ArrayList<String>(2 + keys.size() + args.size());
    all.add(full ? text : sha1);
    all.add(Integer.toString(keys.size()));
    all.addAll(keys);
    all.addAll(args);
    return all;
  }

  /** Whether a reply's error says this Redis does not know the script yet. */
  public static boolean unknown(Throwable error) {
    return error.getMessage() != null && error.getMessage().startsWith("NOSCRIPT");
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JRE", e);
    }
  }
}
