package io.beastmode.bench.semantic;

import io.beastmode.router.select.learned.PromptEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code make eval-cache}. */
public final class SemanticCacheEval {
  static final String DEFAULT_DATA =
      "../shared/data/semantic-cache/qqp-dev.jsonl.gz,../shared/data/semantic-cache/paraphrase-mock.jsonl.gz";

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String part : System.getProperty("semcache.data", DEFAULT_DATA).split(",")) {
      files.add(Path.of(part.trim()));
    }
    PairData data = PairData.read(files);
    StringBuilder key = new StringBuilder();
    for (Path file : files) {
      key.append(EmbeddingCache.sha256(file), 0, 16);
    }
    PromptEncoder encoder = new PromptEncoder(1);
    float[][] vectors =
        EmbeddingCache.load(
            EmbeddingCache.directory(), key.toString(), data.texts(), encoder::encode);
    System.err.println("texts " + vectors.length);
  }
}
