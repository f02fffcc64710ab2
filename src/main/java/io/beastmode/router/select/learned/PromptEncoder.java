package io.beastmode.router.select.learned;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a prompt into a unit-length sentence embedding (all-MiniLM-L6-v2, quantised, 384
 * dimensions) in this process. Blocking: call it on a worker thread, never on an event loop.
 *
 * <p>ONNX Runtime's defaults give every call a pool of spinning threads, which oversubscribes a
 * small machine when calls run side by side; here each call runs on its caller's thread alone and
 * concurrency comes from the caller's pool. Recent prompts' embeddings are kept, so a repeated
 * prompt is not encoded again.
 */
public final class PromptEncoder {
  public static final int DIMENSIONS = 384;
  private static final String MODEL = "all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
  private static final String NATIVE_PATH = "onnxruntime.native.path";
  private static final String TOKENIZER_CACHE = "ENGINE_CACHE_DIR";

  private final Encoder encoder;
  private final Map<String, float[]> recent;

  public PromptEncoder(int cachedPrompts) {
    this.encoder = new Encoder(load());
    this.recent =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > cachedPrompts;
          }
        };
  }

  /** The prompt's embedding, unit length; the same array for a prompt seen recently. */
  public float[] encode(String prompt) {
    synchronized (recent) {
      float[] known = recent.get(prompt);
      if (known != null) {
        return known;
      }
    }
    float[] vector = encoder.embed(TextSegment.from(prompt)).content().vector();
    synchronized (recent) {
      recent.put(prompt, vector);
    }
    return vector;
  }

  /**
   * ONNX Runtime unpacks its native libraries into a temporary directory that outlives the process
   * (the libraries' files are not deleted); here they go into one of ours, deleted once they are
   * loaded (the mapped code stays). ONNX Runtime then leaves only an empty directory, removed when
   * the JVM exits.
   */
  private static synchronized void loadNativeLibraries() throws IOException {
    if (System.getProperty(NATIVE_PATH) != null) {
      return;
    }
    String platform = nativePlatform();
    if (platform == null) {
      return;
    }
    Path dir = Files.createTempDirectory("beastmode-onnxruntime");
    try {
      for (String library : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so")) {
        try (InputStream in = resource("ai/onnxruntime/native/" + platform + "/" + library)) {
          Files.copy(in, dir.resolve(library));
        }
      }
      System.setProperty(NATIVE_PATH, dir.toString());
      OrtEnvironment.getEnvironment();
    } finally {
      deleteTree(dir);
    }
  }

  private static String nativePlatform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux")) {
      return null;
    }
    return switch (arch) {
      case "amd64", "x86_64" -> "linux-x64";
      case "aarch64" -> "linux-aarch64";
      default -> null;
    };
  }

  private static OnnxBertBiEncoder load() {
    try {
      loadNativeLibraries();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract ONNX Runtime's native libraries", e);
    }
    // The tokenizer unpacks its native library under ~/.djl.ai unless told where (a read-only
    // root filesystem has no such place): into a directory of ours, deleted once it is loaded.
    Path tokenizerNatives = null;
    if (System.getProperty(TOKENIZER_CACHE) == null && System.getenv(TOKENIZER_CACHE) == null) {
      try {
        tokenizerNatives = Files.createTempDirectory("beastmode-tokenizers");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make a directory for the tokenizer's library", e);
      }
      System.setProperty(TOKENIZER_CACHE, tokenizerNatives.toString());
    }
    try (InputStream model = resource(MODEL);
        InputStream tokenizer = resource(TOKENIZER)) {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      OrtSession session = environment.createSession(model.readAllBytes(), options);
      return new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the prompt encoder's model", e);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime cannot load the prompt encoder", e);
    } finally {
      if (tokenizerNatives != null) {
        deleteTree(tokenizerNatives);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // what is left is in the temporary directory
    }
  }

  private static InputStream resource(String name) {
    InputStream in = PromptEncoder.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is not on the class path");
    }
    return in;
  }

  /** The library's in-process model over our own session; one segment runs on the caller. */
  private static final class Encoder extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder model;

    Encoder(OnnxBertBiEncoder model) {
      super(Runnable::run);
      this.model = model;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return model;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSIONS;
    }
  }
}
