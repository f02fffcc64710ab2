package io.beastmode.bench.semantic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beastmode.router.cache.semantic.HitPolicy;
import io.beastmode.router.cache.semantic.WrongRateBound;
import io.beastmode.router.select.learned.PromptEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * {@code make eval-cache}: replays question pairs through the router's semantic cache code (the
 * encoder, {@link io.beastmode.router.cache.semantic.SimilarityIndex}, {@link
 * io.beastmode.router.cache.semantic.PromptGuards}, {@link HitPolicy}) as the issue fixes the
 * stream, and compares it with the best fixed similarity threshold on the same stream.
 *
 * <p>System properties: {@code semcache.data} (comma-separated gzipped JSON-lines files), {@code
 * semcache.out} (the JSON; the Markdown goes beside it), {@code semcache.delta}, {@code
 * semcache.embeddings} (where embeddings are cached; default ~/.cache/beast-mode/semantic-cache).
 */
public final class SemanticCacheEval {
  static final String SHARED = "../shared/data/semantic-cache/";
  static final String DEFAULT_DATA =
      SHARED + "qqp-dev.jsonl.gz," + SHARED + "paraphrase-mock.jsonl.gz";
  static final long SEED = 28;

  public static void main(String[] args) throws Exception {
    List<Path> files = new ArrayList<>();
    for (String part : System.getProperty("semcache.data", DEFAULT_DATA).split(",")) {
      if (!part.isBlank()) {
        files.add(Path.of(part.trim()));
      }
    }
    Path out = Path.of(System.getProperty("semcache.out", "bench/results/semantic-cache.json"));
    double delta = Double.parseDouble(System.getProperty("semcache.delta", "0.01"));

    long started = System.nanoTime();
    PairData data = PairData.read(files);
    StringBuilder key = new StringBuilder();
    for (Path file : files) {
      key.append(EmbeddingCache.sha256(file), 0, 16);
    }
    PromptEncoder encoder = new PromptEncoder(1);
    Path cacheDir = EmbeddingCache.directory();
    float[][] dataVectors =
        EmbeddingCache.load(cacheDir, key.toString(), data.texts(), encoder::encode);
    double encodeSeconds = (System.nanoTime() - started) / 1e9;

    Map<String, Object> result = evaluate(data, dataVectors, encoder::encode, cacheDir, delta);
    result.put("data", files.stream().map(Path::toString).toList());
    result.put("encode_seconds", round(encodeSeconds, 1));
    result.put("seconds", round((System.nanoTime() - started) / 1e9, 1));

    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    Path markdown =
        out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
    Files.writeString(markdown, SemanticCacheReport.markdown(result));
    System.out.println(Files.readString(markdown));
  }

  /**
   * The whole evaluation over {@code data} (with one vector per text): the policy's run for two
   * tenants, the fixed thresholds, the edited prompts and the held-out halves.
   */
  static Map<String, Object> evaluate(
      PairData data,
      float[][] dataVectors,
      Function<String, float[]> encode,
      Path cacheDir,
      double delta)
      throws IOException {
    List<String> texts = new ArrayList<>(data.texts());
    List<Integer> originals = new ArrayList<>();
    for (PairData.Pair pair : data.pairs()) {
      originals.add(pair.a());
    }
    List<EditedPrompts.Edit> edits =
        EditedPrompts.make(texts, new ArrayList<>(new java.util.LinkedHashSet<>(originals)), SEED);
    List<String> editedTexts = texts.subList(data.texts().size(), texts.size());
    float[][] editedVectors =
        cacheDir == null
            ? encodeAll(editedTexts, encode)
            : EmbeddingCache.load(cacheDir, "edited-" + sha256(editedTexts), editedTexts, encode);
    PairData all = PairData.of(texts, data.pairs());
    IntFunction<float[]> vectors =
        i -> i < dataVectors.length ? dataVectors[i] : editedVectors[i - dataVectors.length];

    List<PairData.Pair> order = new ArrayList<>(data.pairs());
    Collections.shuffle(order, new Random(SEED));
    long built = System.nanoTime();
    CacheStream stream =
        new CacheStream(all, order, vectors, edits, saved(cacheDir, "all", texts, order));
    double lookupSeconds = (System.nanoTime() - built) / 1e9;

    HitPolicy policy = new HitPolicy(delta, SEED);
    CacheStream.Tally first = stream.run(CacheStream.policy(policy), new CacheStream.Partition(1));
    CacheStream.Tally second = stream.run(CacheStream.policy(policy), new CacheStream.Partition(2));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("delta", delta);
    result.putAll(figures(first.all, delta));
    result.put("exact_hits", first.exactHits);
    result.put(
        "exact_hit_rate",
        round((double) first.exactHits / (stream.firstAsks.length + stream.secondAsks.length), 4));
    result.put("explorations", first.all.explorations);
    result.put("cross_tenant_hits", first.crossTenantHits + second.crossTenantHits);
    result.put("serving_from_similarity", round(policy.servingFrom(), 3));
    Map<String, Object> slices = new LinkedHashMap<>();
    first.kinds.forEach((kind, counts) -> slices.put(kind, figures(counts, delta)));
    result.put("slices", slices);
    result.put("edited_prompts", editedFigures(first.edited, stream));

    List<Map<String, Object>> curve = thresholdCurve(stream, false, 0.001);
    result.put("baseline_fixed", bestFixed(curve, first.all.wrongPerRequest()));
    List<Map<String, Object>> guardedCurve = thresholdCurve(stream, true, 0.005);
    result.put("baseline_fixed_guarded", bestFixed(guardedCurve, first.all.wrongPerRequest()));
    result.put("baseline_fixed_at_delta", bestFixed(curve, delta));
    result.put("fixed_thresholds", pick(curve, 0.90, 0.95, 0.97, 0.99));
    result.put("fixed_on_edited_prompts", editedAtThresholds(stream, 0.90, 0.95, 0.97, 0.99));
    Map<String, Object> tenant2 = figures(second.all, delta);
    tenant2.put("exact_hits", second.exactHits);
    result.put("second_tenant", tenant2);
    result.put("held_out", heldOut(all, order, vectors, delta, cacheDir));
    result.put("decisions", first.reasons);
    result.put("lookup_p99_ms", round(stream.lookupMillisP99, 2));
    result.put("lookup_50k", IndexSpeed.measure(dataVectors));
    result.put("index_entries_at_end", stream.largestIndex);
    result.put("short_neighbour_lists", first.shortLists);
    result.put("lookup_seconds", round(lookupSeconds, 1));
    result.put("seed", SEED);
    return result;
  }

  /**
   * Tunes on half the groups of connected questions and reports on the other half: the fixed
   * threshold chosen on the first half (highest hit rate with wrong per request ≤ δ) applied to the
   * second, and the policy that learned on the first carried on to the second.
   */
  static Map<String, Object> heldOut(
      PairData all,
      List<PairData.Pair> order,
      IntFunction<float[]> vectors,
      double delta,
      Path cacheDir)
      throws IOException {
    int[] component = components(all);
    List<PairData.Pair> tune = new ArrayList<>();
    List<PairData.Pair> check = new ArrayList<>();
    for (PairData.Pair pair : order) {
      int c = component[pair.a()];
      (Math.floorMod(Long.hashCode(c * 0x9E3779B97F4A7C15L), 2) == 0 ? tune : check).add(pair);
    }
    CacheStream tuneStream =
        new CacheStream(all, tune, vectors, List.of(), saved(cacheDir, "tune", all.texts(), tune));
    CacheStream checkStream =
        new CacheStream(
            all, check, vectors, List.of(), saved(cacheDir, "check", all.texts(), check));
    HitPolicy policy = new HitPolicy(delta, SEED);
    CacheStream.Tally onTune =
        tuneStream.run(CacheStream.policy(policy), new CacheStream.Partition(1));
    CacheStream.Tally onCheck =
        checkStream.run(CacheStream.policy(policy), new CacheStream.Partition(2));
    HitPolicy fresh = new HitPolicy(delta, SEED);
    CacheStream.Tally freshOnCheck =
        checkStream.run(CacheStream.policy(fresh), new CacheStream.Partition(3));
    List<Map<String, Object>> tuneCurve = thresholdCurve(tuneStream, false, 0.001);
    Map<String, Object> tuned = bestFixed(tuneCurve, delta);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put(
        "split",
        "groups of connected questions, by a hash of the group: half to tune, half to check");
    result.put("tune_pairs", tune.size());
    result.put("check_pairs", check.size());
    result.put("policy_on_tune", figures(onTune.all, delta));
    result.put("policy_on_check_after_tune", figures(onCheck.all, delta));
    result.put("policy_on_check_fresh", figures(freshOnCheck.all, delta));
    if (tuned != null) {
      double threshold = (double) tuned.get("threshold");
      CacheStream.Tally fixedOnCheck =
          checkStream.run(CacheStream.fixed(threshold, false), new CacheStream.Partition(4));
      Map<String, Object> fixed = figures(fixedOnCheck.all, delta);
      fixed.put("threshold", threshold);
      result.put("fixed_tuned_on_tune", tuned);
      result.put("fixed_tuned_applied_to_check", fixed);
    }
    List<Map<String, Object>> checkCurve = thresholdCurve(checkStream, false, 0.001);
    result.put("baseline_fixed_on_check", bestFixed(checkCurve, onCheck.all.wrongPerRequest()));
    return result;
  }

  static Map<String, Object> figures(CacheStream.Counts counts, double delta) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", counts.requests);
    f.put("hits", counts.hits);
    f.put("wrong_hits", counts.wrong);
    f.put("hit_rate", round(counts.hitRate(), 4));
    f.put("wrong_per_request", round(counts.wrongPerRequest(), 5));
    f.put(
        "wrong_per_request_upper95",
        round(counts.requests == 0 ? 1 : WrongRateBound.upper95(counts.wrong, counts.requests), 5));
    f.put("wrong_per_hit", round(counts.wrongPerHit(), 4));
    f.put("explorations", counts.explorations);
    f.put("delta", delta);
    return f;
  }

  private static Map<String, Object> editedFigures(CacheStream.Counts counts, CacheStream stream) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("requests", counts.requests);
    f.put("wrong_hits", counts.wrong);
    f.put("wrong_hit_rate", round(counts.wrongPerRequest(), 4));
    f.put(
        "wrong_hit_rate_upper95",
        round(counts.requests == 0 ? 1 : WrongRateBound.upper95(counts.wrong, counts.requests), 4));
    f.put("made_from", "the data's first questions: " + stream.editedAsks.length + " edits");
    return f;
  }

  /** Each fixed threshold's figures on the stream, from {@value #LOWEST} up in {@code step}s. */
  static List<Map<String, Object>> thresholdCurve(
      CacheStream stream, boolean guarded, double step) {
    List<Map<String, Object>> curve = new ArrayList<>();
    int steps = (int) Math.round((1 - LOWEST) / step);
    for (int i = 0; i <= steps; i++) {
      double threshold = round(LOWEST + i * step, 4);
      CacheStream.Tally tally =
          stream.run(CacheStream.fixed(threshold, guarded), new CacheStream.Partition(9));
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("threshold", threshold);
      point.put("hit_rate", round(tally.all.hitRate(), 4));
      point.put("wrong_per_request", round(tally.all.wrongPerRequest(), 5));
      point.put("wrong_per_hit", round(tally.all.wrongPerHit(), 4));
      point.put("edited_wrong_hit_rate", round(tally.edited.wrongPerRequest(), 4));
      curve.add(point);
    }
    return curve;
  }

  static final double LOWEST = 0.80;

  /** The threshold with the highest hit rate whose wrong per request is at most {@code limit}. */
  static Map<String, Object> bestFixed(List<Map<String, Object>> curve, double limit) {
    Map<String, Object> best = null;
    for (Map<String, Object> point : curve) {
      if ((double) point.get("wrong_per_request") <= limit
          && (best == null || (double) point.get("hit_rate") > (double) best.get("hit_rate"))) {
        best = point;
      }
    }
    return best;
  }

  private static List<Map<String, Object>> pick(List<Map<String, Object>> curve, double... at) {
    List<Map<String, Object>> picked = new ArrayList<>();
    for (double threshold : at) {
      for (Map<String, Object> point : curve) {
        if (Math.abs((double) point.get("threshold") - threshold) < 1e-9) {
          picked.add(point);
        }
      }
    }
    return picked;
  }

  private static Map<String, Object> editedAtThresholds(CacheStream stream, double... at) {
    Map<String, Object> byThreshold = new LinkedHashMap<>();
    for (double threshold : at) {
      CacheStream.Tally tally =
          stream.run(CacheStream.fixed(threshold, false), new CacheStream.Partition(9));
      Map<String, Object> kinds = new LinkedHashMap<>();
      tally.kinds.forEach(
          (kind, counts) -> {
            if (kind.startsWith("edited-")) {
              kinds.put(kind, round(counts.wrongPerRequest(), 3));
            }
          });
      byThreshold.put(String.valueOf(threshold), kinds);
    }
    return byThreshold;
  }

  /** Groups of connected questions: two pairs sharing a question are in one, whatever the label. */
  private static int[] components(PairData data) {
    List<PairData.Pair> linked = new ArrayList<>();
    for (PairData.Pair pair : data.pairs()) {
      linked.add(new PairData.Pair(pair.a(), pair.b(), true, pair.kind()));
    }
    return PairData.of(data.texts(), linked).group();
  }

  /** Where a stream's neighbour lists are kept: named by its texts, its order and the code. */
  static Path saved(Path cacheDir, String name, List<String> texts, List<PairData.Pair> order) {
    if (cacheDir == null) {
      return null;
    }
    List<String> key = new ArrayList<>(texts);
    for (PairData.Pair pair : order) {
      key.add(pair.a() + ":" + pair.b());
    }
    key.add("v" + CacheStream.VERSION + "k" + CacheStream.SUPERSET);
    return cacheDir.resolve("neighbours-" + name + "-" + sha256(key) + ".bin");
  }

  private static float[][] encodeAll(List<String> texts, Function<String, float[]> encode) {
    float[][] vectors = new float[texts.size()][];
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = encode.apply(texts.get(i));
    }
    return vectors;
  }

  static String sha256(List<String> texts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String text : texts) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }
}
