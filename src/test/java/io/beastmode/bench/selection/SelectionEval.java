package io.beastmode.bench.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beastmode.router.select.learned.LabelledExample;
import io.beastmode.router.select.learned.LabelledPrompts;
import io.beastmode.router.select.learned.PromptEncoder;
import io.beastmode.router.select.learned.RoutingCurve;
import io.beastmode.router.select.learned.SuccessPredictor;
import io.beastmode.router.select.learned.SuccessPredictor.Method;
import io.beastmode.router.select.learned.SuccessPredictor.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code make eval-selection}: trains the learned selector on the RouteLLM-format CSVs of TRAIN
 * only, scores every prompt of EVAL with the router's own code (encoder, predictor, threshold rule)
 * and writes RouteLLM's measures beside the simple baselines (prompt length, nearest neighbours on
 * the same embeddings, random), then replays EVAL as production traffic with feedback on half of it
 * and reports APGR on the other half.
 *
 * <p>System properties: {@code selection.train}, {@code selection.eval} (directories), {@code
 * selection.out} (the JSON file; the Markdown summary goes beside it).
 */
public final class SelectionEval {
  static final double[] THRESHOLDS = {0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9};
  static final long SEED = 19;
  // Re-runs (other splits, other settings) skip encoding prompts already seen.
  static final Path CACHE = Path.of("target", "selection-embeddings.bin");

  public static void main(String[] args) throws Exception {
    Path trainDir = Path.of(System.getProperty("selection.train", "bench/data/mmlu-train"));
    Path evalDir = Path.of(System.getProperty("selection.eval", "bench/data/mmlu-eval"));
    Path out = Path.of(System.getProperty("selection.out", "bench/results/selection.json"));
    Dataset train = Dataset.load(trainDir, null);
    Dataset eval = Dataset.load(evalDir, train.models);
    Settings settings =
        new Settings(
            Integer.getInteger("selection.neighbours", Settings.DEFAULT.neighbours()),
            Settings.DEFAULT.priorWeight(),
            Double.parseDouble(
                System.getProperty("selection.l2", String.valueOf(Settings.DEFAULT.l2()))),
            Settings.DEFAULT.iterations(),
            Double.parseDouble(
                System.getProperty(
                    "selection.neighbourShare",
                    String.valueOf(Settings.DEFAULT.neighbourShare()))));
    int strong = train.accuracy(1) > train.accuracy(0) ? 1 : 0;
    int weak = 1 - strong;

    long started = System.nanoTime();
    PromptEncoder encoder = new PromptEncoder(1);
    List<LabelledExample> trainExamples = encode(encoder, train);
    List<LabelledExample> evalExamples = encode(encoder, eval);
    double encodeSeconds = (System.nanoTime() - started) / 1e9;

    double[] weakRight = eval.outcomes(weak);
    double[] strongRight = eval.outcomes(strong);
    Map<String, Object> methods = new LinkedHashMap<>();
    Map<String, Double> apgrs = new LinkedHashMap<>();
    for (Method method : Method.values()) {
      SuccessPredictor predictor =
          SuccessPredictor.train(train.models, trainExamples, method, settings);
      double[] scores = new double[evalExamples.size()];
      double[] weakChance = new double[evalExamples.size()];
      for (int i = 0; i < scores.length; i++) {
        LabelledExample e = evalExamples.get(i);
        double[] chance = predictor.predict(e.embedding(), e.promptChars());
        weakChance[i] = chance[weak];
        scores[i] = -chance[weak];
      }
      RoutingCurve curve = RoutingCurve.of(scores, weakRight, strongRight);
      Map<String, Object> row = measures(curve);
      row.put("strong_share", strongShares(weakChance, curve));
      methods.put(method.name(), row);
      apgrs.put(method.name(), curve.apgr());
    }
    String best = Collections.max(apgrs.entrySet(), Map.Entry.comparingByValue()).getKey();

    double[] lengthScores =
        evalExamples.stream().mapToDouble(e -> (double) e.promptChars()).toArray();
    Map<String, Object> baselines = new LinkedHashMap<>();
    baselines.put("length", measures(RoutingCurve.of(lengthScores, weakRight, strongRight)));
    baselines.put("knn", methods.get(Method.neighbours.name()));
    baselines.put(
        "random", measures(RoutingCurve.of(new double[weakRight.length], weakRight, strongRight)));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("train", trainDir.toString());
    result.put("eval", evalDir.toString());
    result.put("train_subjects", train.sources);
    result.put("eval_subjects", eval.sources);
    result.put("weak_model", train.models.get(weak));
    result.put("strong_model", train.models.get(strong));
    result.put("train_prompts", train.rows.size());
    result.put("prompts", eval.rows.size());
    Map<String, Double> accuracy = new LinkedHashMap<>();
    accuracy.put("weak", mean(weakRight));
    accuracy.put("strong", mean(strongRight));
    result.put("eval_accuracy", accuracy);
    result.put("method", Method.mixture.name());
    Map<String, Object> chosen = (Map<String, Object>) methods.get(Method.mixture.name());
    result.put("apgr", chosen.get("apgr"));
    result.put("cpt50", chosen.get("cpt50"));
    result.put("cpt80", chosen.get("cpt80"));
    result.put("strong_share", chosen.get("strong_share"));
    result.put("baselines", baselines);
    result.put("methods", methods);
    // Not a router: it knows each EVAL file's true gain of the strong model over the weak one.
    result.put(
        "reference_file_oracle",
        measures(RoutingCurve.of(fileGain(eval, weak, strong), weakRight, strongRight)));
    result.put("best_method_this_run", best);
    result.put(
        "feedback_replay",
        replay(
            train.models,
            trainExamples,
            evalExamples,
            weak,
            strong,
            weakRight,
            strongRight,
            settings));
    result.put("settings", settings);
    result.put("encode_seconds", encodeSeconds);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    Path md = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
    Files.writeString(md, SelectionReport.markdown(result));
    System.out.println(Files.readString(md));
  }

  /**
   * Production replay: EVAL in a fixed random order, the first half routed at the threshold that
   * sends about half to the strong model, with feedback on the chosen model's answer only (what a
   * user's thumbs up or down says), then the selector learns it and is scored on the second half.
   */
  static Map<String, Object> replay(
      List<String> models,
      List<LabelledExample> trainExamples,
      List<LabelledExample> evalExamples,
      int weak,
      int strong,
      double[] weakRight,
      double[] strongRight,
      Settings settings) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < evalExamples.size(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(SEED));
    List<Integer> fed = order.subList(0, order.size() / 2);
    List<Integer> held = order.subList(order.size() / 2, order.size());
    SuccessPredictor before =
        SuccessPredictor.train(models, trainExamples, Method.mixture, settings);
    double[] fedWeakChance =
        fed.stream()
            .mapToDouble(
                i ->
                    before
                        .predict(
                            evalExamples.get(i).embedding(), evalExamples.get(i).promptChars())[
                        weak])
            .sorted()
            .toArray();
    double threshold = fedWeakChance[fedWeakChance.length / 2];
    List<LabelledExample> chosenOnly = new ArrayList<>(trainExamples);
    List<LabelledExample> bothModels = new ArrayList<>(trainExamples);
    int toStrong = 0;
    for (int i : fed) {
      LabelledExample e = evalExamples.get(i);
      boolean strongChosen = before.predict(e.embedding(), e.promptChars())[weak] < threshold;
      toStrong += strongChosen ? 1 : 0;
      double[] seen = new double[models.size()];
      java.util.Arrays.fill(seen, Double.NaN);
      int answered = strongChosen ? strong : weak;
      seen[answered] = e.outcomes()[answered];
      chosenOnly.add(new LabelledExample(e.embedding(), e.promptChars(), seen));
      bothModels.add(e);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("fed_prompts", fed.size());
    result.put("held_out_prompts", held.size());
    result.put("fed_strong_share", (double) toStrong / fed.size());
    result.put(
        "without_feedback", heldOut(before, evalExamples, held, weak, weakRight, strongRight));
    result.put(
        "feedback_on_chosen_model",
        heldOut(
            SuccessPredictor.train(models, chosenOnly, Method.mixture, settings),
            evalExamples,
            held,
            weak,
            weakRight,
            strongRight));
    result.put(
        "feedback_on_both_models",
        heldOut(
            SuccessPredictor.train(models, bothModels, Method.mixture, settings),
            evalExamples,
            held,
            weak,
            weakRight,
            strongRight));
    return result;
  }

  private static Map<String, Object> heldOut(
      SuccessPredictor predictor,
      List<LabelledExample> evalExamples,
      List<Integer> held,
      int weak,
      double[] weakRight,
      double[] strongRight) {
    double[] scores = new double[held.size()];
    double[] w = new double[held.size()];
    double[] s = new double[held.size()];
    for (int j = 0; j < held.size(); j++) {
      LabelledExample e = evalExamples.get(held.get(j));
      scores[j] = -predictor.predict(e.embedding(), e.promptChars())[weak];
      w[j] = weakRight[held.get(j)];
      s[j] = strongRight[held.get(j)];
    }
    return measures(RoutingCurve.of(scores, w, s));
  }

  /**
   * Each prompt scored by its file's (subject's) share of prompts the strong model gets right and
   * the weak one wrong, measured on the answers themselves: how far knowing which unseen subjects
   * gain most from the strong model would go.
   */
  static double[] fileGain(Dataset data, int weak, int strong) {
    double[] gain = new double[data.sources().size()];
    double[] count = new double[data.sources().size()];
    for (int i = 0; i < data.rows().size(); i++) {
      double[] o = data.rows().get(i).outcomes();
      gain[data.sourceOf().get(i)] += o[strong] - o[weak];
      count[data.sourceOf().get(i)]++;
    }
    double[] scores = new double[data.rows().size()];
    for (int i = 0; i < scores.length; i++) {
      int source = data.sourceOf().get(i);
      scores[i] = gain[source] / count[source];
    }
    return scores;
  }

  static Map<String, Object> measures(RoutingCurve curve) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("apgr", round(curve.apgr()));
    row.put("cpt50", round(curve.cpt(0.5)));
    row.put("cpt80", round(curve.cpt(0.8)));
    return row;
  }

  /** At each threshold: the share sent to the strong model (weak model's chance below it). */
  private static List<Map<String, Object>> strongShares(double[] weakChance, RoutingCurve curve) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (double t : THRESHOLDS) {
      long below = java.util.Arrays.stream(weakChance).filter(p -> p < t).count();
      double share = (double) below / weakChance.length;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("threshold", t);
      row.put("strong_share", round(share));
      row.put("pgr", round(curve.pgrAt(share)));
      rows.add(row);
    }
    return rows;
  }

  static List<LabelledExample> encodeDataset(PromptEncoder encoder, Dataset data) throws Exception {
    return encode(encoder, data);
  }

  private static List<LabelledExample> encode(PromptEncoder encoder, Dataset data)
      throws Exception {
    EmbeddingFile cache = EmbeddingFile.open(CACHE);
    List<LabelledExample> examples = encodeAll(cache, encoder, data);
    cache.save();
    return examples;
  }

  private static List<LabelledExample> encodeAll(
      EmbeddingFile cache, PromptEncoder encoder, Dataset data) throws Exception {
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<LabelledExample>> futures = new ArrayList<>();
      for (LabelledPrompts.Row row : data.rows) {
        futures.add(
            pool.submit(
                () ->
                    new LabelledExample(
                        cache.computeIfAbsent(row.prompt(), encoder::encode),
                        row.prompt().length(),
                        row.outcomes())));
      }
      List<LabelledExample> examples = new ArrayList<>();
      for (Future<LabelledExample> f : futures) {
        examples.add(f.get());
      }
      return examples;
    } finally {
      pool.shutdownNow();
    }
  }

  static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }

  static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  /** The CSVs of one directory, all with the same model columns. */
  record Dataset(
      List<String> models,
      List<String> sources,
      List<LabelledPrompts.Row> rows,
      List<Integer> sourceOf) {
    static Dataset load(Path dir, List<String> expectedModels) throws IOException {
      List<Path> files;
      try (Stream<Path> list = Files.list(dir)) {
        files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(dir + " holds no .csv file");
      }
      List<String> models = expectedModels;
      List<String> sources = new ArrayList<>();
      List<LabelledPrompts.Row> rows = new ArrayList<>();
      List<Integer> sourceOf = new ArrayList<>();
      for (Path file : files) {
        LabelledPrompts data = LabelledPrompts.parse(file.toString(), Files.readString(file));
        if (data.models().size() != 2) {
          throw new IllegalArgumentException(
              file + ": expected two model columns (weak and strong), found " + data.models());
        }
        if (models == null) {
          models = data.models();
        } else if (!models.equals(data.models())) {
          throw new IllegalArgumentException(
              file + ": model columns " + data.models() + ", expected " + models);
        }
        sources.add(file.getFileName().toString().replaceFirst("\\.csv$", ""));
        rows.addAll(data.rows());
        data.rows().forEach(row -> sourceOf.add(sources.size() - 1));
      }
      return new Dataset(models, sources, rows, sourceOf);
    }

    double accuracy(int model) {
      return mean(outcomes(model));
    }

    double[] outcomes(int model) {
      return rows.stream().mapToDouble(r -> r.outcomes()[model]).toArray();
    }
  }

  static String percent(Object share) {
    return String.format(Locale.ROOT, "%.1f %%", 100 * ((Number) share).doubleValue());
  }
}
