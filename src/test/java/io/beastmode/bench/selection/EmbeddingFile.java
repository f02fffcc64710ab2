package io.beastmode.bench.selection;

import io.beastmode.wire.Digests;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Prompt embeddings kept on disk between evaluation runs, keyed by the prompt's SHA-256. */
final class EmbeddingFile {
  private final Path file;
  private final Map<String, float[]> vectors;
  private volatile boolean changed;

  private EmbeddingFile(Path file, Map<String, float[]> vectors) {
    this.file = file;
    this.vectors = vectors;
  }

  static EmbeddingFile open(Path file) throws IOException {
    Map<String, float[]> vectors = new ConcurrentHashMap<>();
    if (Files.exists(file)) {
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          String key = in.readUTF();
          float[] vector = new float[in.readInt()];
          for (int j = 0; j < vector.length; j++) {
            vector[j] = in.readFloat();
          }
          vectors.put(key, vector);
        }
      }
    }
    return new EmbeddingFile(file, vectors);
  }

  float[] computeIfAbsent(String prompt, Function<String, float[]> encode) {
    return vectors.computeIfAbsent(
        Digests.sha256Hex(prompt),
        k -> {
          changed = true;
          return encode.apply(prompt);
        });
  }

  void save() throws IOException {
    if (!changed) {
      return;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeInt(vectors.size());
      for (var e : vectors.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        for (float f : e.getValue()) {
          out.writeFloat(f);
        }
      }
    }
  }
}
