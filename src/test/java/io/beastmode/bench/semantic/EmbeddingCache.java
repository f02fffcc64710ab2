package io.beastmode.bench.semantic;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * The embeddings of a data file's texts, kept on disk between runs outside the repository (encoding
 * ~100k questions takes minutes). The file is named by the data file's SHA-256, so an edited data
 * file is encoded again; vectors are stored in the order of the texts given.
 */
final class EmbeddingCache {
  private EmbeddingCache() {}

  /** Where cached embeddings live: {@code semcache.embeddings}, else ~/.cache/beast-mode. */
  static Path directory() {
    String configured = System.getProperty("semcache.embeddings");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "beast-mode", "semantic-cache");
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The vectors of {@code texts}, read from the cache file for {@code key} when it holds exactly
   * that many, else encoded and written there.
   */
  static float[][] load(
      Path directory, String key, List<String> texts, Function<String, float[]> encode)
      throws IOException {
    Path file = directory.resolve(key + ".f32");
    if (Files.exists(file)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
        int count = in.readInt();
        int dims = in.readInt();
        if (count == texts.size()) {
          float[][] vectors = new float[count][dims];
          for (float[] vector : vectors) {
            for (int j = 0; j < dims; j++) {
              vector[j] = in.readFloat();
            }
          }
          return vectors;
        }
      }
    }
    float[][] vectors = new float[texts.size()][];
    long started = System.nanoTime();
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = encode.apply(texts.get(i));
      if ((i + 1) % 5000 == 0) {
        System.err.printf(
            "encoded %d of %d texts (%.0f s)%n",
            i + 1, vectors.length, (System.nanoTime() - started) / 1e9);
      }
    }
    Files.createDirectories(directory);
    Path partial = directory.resolve(key + ".f32.partial");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16))) {
      out.writeInt(vectors.length);
      out.writeInt(vectors.length == 0 ? 0 : vectors[0].length);
      for (float[] vector : vectors) {
        for (float f : vector) {
          out.writeFloat(f);
        }
      }
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    return vectors;
  }
}
