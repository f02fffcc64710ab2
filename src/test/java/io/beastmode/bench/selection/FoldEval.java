package io.beastmode.bench.selection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beastmode.router.select.learned.LabelledExample;
import io.beastmode.router.select.learned.PromptEncoder;
import io.beastmode.router.select.learned.RoutingCurve;
import io.beastmode.router.select.learned.SuccessPredictor;
import io.beastmode.router.select.learned.SuccessPredictor.Method;
import io.beastmode.router.select.learned.SuccessPredictor.Settings;
import io.beastmode.router.select.policy.CandidatePolicy;
import io.beastmode.router.select.policy.PolicyGroups;
import io.beastmode.router.select.policy.PolicyRouting;
import io.beastmode.router.select.policy.PromptClusters;
import io.beastmode.router.select.policy.PromptFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The per-fold half of {@code make eval-selection}: the subjects of the given directories, sorted
 * by name, go to three folds (position modulo 3). For each fold, both directions: train on the
 * other two folds and score this one ("out"), and train on this fold and score the other two
 * ("in"). Each run scores every candidate policy and each request feature alone on the unseen
 * subjects, the router with no feedback (the default policy), and replays the unseen prompts as
 * production traffic: half fed back with the chosen model's outcome only, through the router's own
 * {@link PolicyRouting} (exploration, off-policy estimates, switching), then APGR on the other half
 * for the policy in force at the end, beside every baseline on the same half.
 *
 * <p>System properties: {@code selection.folds} (directories, comma-separated), {@code
 * selection.out} (JSON; the Markdown summary beside it), {@code selection.exploration} (the
 * replay's exploration share, default 0.05).
 */
public final class FoldEval {
  static final int FOLDS = 3;
  static final long SEED = 19;
  // How often the replayed router takes in new feedback (its poll) and refits the heads.
  static final int NEIGHBOUR_UPDATE_EVERY = 100;
  static final int REFIT_EVERY = 500;
  static final double[] BLEND_WEIGHTS_TRIED = {0.25, 0.75};

  public static void main(String[] args) throws Exception {
    String[] dirs =
        System.getProperty("selection.folds", "bench/data/mmlu-train,bench/data/mmlu-eval")
            .split(",");
    Path out = Path.of(System.getProperty("selection.out", "bench/results/selection-folds.json"));
    double exploration = Double.parseDouble(System.getProperty("selection.exploration", "0.05"));
    SelectionEval.Dataset all = union(dirs);
    PromptEncoder encoder = new PromptEncoder(1);
    List<LabelledExample> examples = SelectionEval.encodeDataset(encoder, all);
    List<PromptFeatures> features =
        all.rows().stream().map(r -> PromptFeatures.of(r.prompt(), 1, false, 0)).toList();
    int strong = all.accuracy(1) > all.accuracy(0) ? 1 : 0;

    List<String> subjects = new ArrayList<>(all.sources());
    Collections.sort(subjects);
    int[] subjectOf = new int[all.rows().size()];
    for (int i = 0; i < subjectOf.length; i++) {
      subjectOf[i] = subjects.indexOf(all.sources().get(all.sourceOf().get(i)));
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    for (int fold = 0; fold < FOLDS; fold++) {
      for (String direction : List.of("out", "in")) {
        List<Integer> train = new ArrayList<>();
        List<Integer> eval = new ArrayList<>();
        List<String> evalSubjects = new ArrayList<>();
        for (int i = 0; i < all.rows().size(); i++) {
          String subject = all.sources().get(all.sourceOf().get(i));
          boolean inFold = subjects.indexOf(subject) % FOLDS == fold;
          boolean scored = direction.equals("out") == inFold;
          (scored ? eval : train).add(i);
          if (scored && !evalSubjects.contains(subject)) {
            evalSubjects.add(subject);
          }
        }
        Map<String, Object> run =
            new Run(all.models(), examples, features, subjectOf, train, eval, strong, exploration)
                .measure();
        run.put("fold", fold);
        run.put("direction", direction);
        run.put("eval_subjects", evalSubjects);
        runs.add(run);
        System.out.printf(
            "fold %d %s: router %.4f, best baseline %.4f, replay %.4f%n",
            fold,
            direction,
            run.get("router_no_feedback"),
            run.get("best_baseline"),
            run.get("replay") == null
                ? Double.NaN
                : ((Map<?, ?>) run.get("replay")).get("router_after_feedback"));
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("folds_of", List.of(dirs));
    result.put("weak_model", all.models().get(1 - strong));
    result.put("strong_model", all.models().get(strong));
    result.put("default_policy", CandidatePolicy.DEFAULTS.get(0).name());
    result.put("exploration_share", exploration);
    result.put("runs", runs);
    Files.createDirectories(out.toAbsolutePath().getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
    Path md = out.resolveSibling(out.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
    Files.writeString(md, FoldReport.markdown(result));
    System.out.println(Files.readString(md));
  }

  private static SelectionEval.Dataset union(String[] dirs) throws Exception {
    List<String> models = null;
    List<String> sources = new ArrayList<>();
    List<io.beastmode.router.select.learned.LabelledPrompts.Row> rows = new ArrayList<>();
    List<Integer> sourceOf = new ArrayList<>();
    for (String dir : dirs) {
      SelectionEval.Dataset part = SelectionEval.Dataset.load(Path.of(dir.trim()), models);
      models = part.models();
      int offset = sources.size();
      sources.addAll(part.sources());
      rows.addAll(part.rows());
      part.sourceOf().forEach(s -> sourceOf.add(s + offset));
    }
    return new SelectionEval.Dataset(models, sources, rows, sourceOf);
  }

  /** How the replayed router routes: router-wide only, or with per-cluster policies too. */
  private record Variant(String name, boolean perCluster) {
    static final Variant ROUTER_WIDE = new Variant("router_wide", false);
    static final Variant PER_CLUSTER = new Variant("per_cluster", true);
  }

  /** One train/eval split of the folds. */
  private record Run(
      List<String> models,
      List<LabelledExample> examples,
      List<PromptFeatures> features,
      int[] subjectOf,
      List<Integer> train,
      List<Integer> eval,
      int strong,
      double exploration) {

    Map<String, Object> measure() {
      int weak = 1 - strong;
      List<LabelledExample> trainExamples = train.stream().map(examples::get).toList();
      SuccessPredictor mixture =
          SuccessPredictor.train(models, trainExamples, Method.mixture, Settings.DEFAULT);
      SuccessPredictor knn =
          SuccessPredictor.train(models, trainExamples, Method.neighbours, Settings.DEFAULT);
      Map<String, double[]> scores = candidateScores(mixture, eval);
      scores.put("knn", weakChanceScores(knn, eval));
      scores.put("random", new double[eval.size()]);
      Outcomes outcomes = outcomesOf(eval);

      Map<String, Object> run = new LinkedHashMap<>();
      run.put("train_prompts", train.size());
      run.put("prompts", eval.size());
      Map<String, Object> apgr = new LinkedHashMap<>();
      scores.forEach((name, s) -> apgr.put(name, apgrOf(s, outcomes)));
      run.put("apgr", apgr);
      run.put("features_alone", featureApgrs(eval, outcomes));
      double router = (double) apgr.get(CandidatePolicy.DEFAULTS.get(0).name());
      double bestBaseline =
          List.of("length", "structure", "knn", "random").stream()
              .mapToDouble(b -> (double) apgr.get(b))
              .max()
              .orElseThrow();
      run.put("router_no_feedback", router);
      run.put("best_baseline", bestBaseline);
      run.put("no_feedback_target_met", router >= bestBaseline - 0.01);
      PromptClusters clusters =
          PromptClusters.fit(
              trainExamples.stream().map(LabelledExample::embedding).toList(),
              PromptClusters.DEFAULT_COUNT,
              SEED);
      run.put(
          "inner_subject_split",
          innerChoice(i -> subjectOf[i] % 2 == 0, apgr, "subjects of the training folds"));
      run.put(
          "inner_cluster_split",
          innerChoice(
              i -> clusters.nearest(examples.get(i).embedding()) % 2 == 0,
              apgr,
              "clusters of the training prompts"));
      if (!Boolean.parseBoolean(System.getProperty("selection.replay", "true"))) {
        return run;
      }
      run.put("replay", replay(mixture, trainExamples, knn, clusters, Variant.ROUTER_WIDE));
      run.put(
          "replay_per_cluster", replay(mixture, trainExamples, knn, clusters, Variant.PER_CLUSTER));
      return run;
    }

    /**
     * The router's default policy chosen without the eval subjects: the training prompts split in
     * two by {@code firstHalf}, each half scored by a predictor trained on the other, the candidate
     * with the best mean APGR over both ways chosen, and its APGR on the eval subjects.
     */
    Map<String, Object> innerChoice(
        java.util.function.IntPredicate firstHalf, Map<String, Object> evalApgr, String by) {
      List<Integer> a = train.stream().filter(firstHalf::test).toList();
      List<Integer> b = train.stream().filter(i -> !firstHalf.test(i)).toList();
      Map<String, Double> mean = new LinkedHashMap<>();
      for (List<List<Integer>> split : List.of(List.of(a, b), List.of(b, a))) {
        SuccessPredictor inner =
            SuccessPredictor.train(
                models,
                split.get(0).stream().map(examples::get).toList(),
                Method.mixture,
                Settings.DEFAULT);
        Map<String, double[]> scores = candidateScores(inner, split.get(1));
        Outcomes outcomes = outcomesOf(split.get(1));
        scores.forEach((name, s) -> mean.merge(name, apgrOf(s, outcomes) / 2, Double::sum));
      }
      String chosen =
          CandidatePolicy.DEFAULTS.stream()
              .map(CandidatePolicy::name)
              .max(java.util.Comparator.comparingDouble(mean::get))
              .orElseThrow();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("split_by", by);
      result.put("halves", List.of(a.size(), b.size()));
      Map<String, Object> rounded = new LinkedHashMap<>();
      mean.forEach((name, value) -> rounded.put(name, SelectionEval.round(value)));
      result.put("inner_apgr", rounded);
      result.put("chosen", chosen);
      result.put("apgr_on_eval", evalApgr.get(chosen));
      return result;
    }

    /** Each candidate's score of each prompt (higher: rather the strong model). */
    Map<String, double[]> candidateScores(SuccessPredictor predictor, List<Integer> prompts) {
      double[] learned = weakChanceScores(predictor, prompts);
      double[] length = prompts.stream().mapToDouble(i -> features.get(i).logLength()).toArray();
      double[] structure =
          prompts.stream().mapToDouble(i -> features.get(i).structureScore()).toArray();
      double[] learnedRank = ranks(learned);
      double[] lengthRank = ranks(length);
      double[] blend = new double[prompts.size()];
      for (int j = 0; j < blend.length; j++) {
        blend[j] = (learnedRank[j] + lengthRank[j]) / 2;
      }
      Map<String, double[]> scores = new LinkedHashMap<>();
      scores.put(CandidatePolicy.learned.name(), learned);
      scores.put(CandidatePolicy.length.name(), length);
      scores.put(CandidatePolicy.structure.name(), structure);
      scores.put(CandidatePolicy.blend.name(), blend);
      // The blend with the learned rank weighted 1/4 and 3/4 instead of 1/2: tried, not a
      // candidate.
      for (double weight : BLEND_WEIGHTS_TRIED) {
        double[] weighted = new double[prompts.size()];
        for (int j = 0; j < weighted.length; j++) {
          weighted[j] = weight * learnedRank[j] + (1 - weight) * lengthRank[j];
        }
        scores.put("blend_learned_" + weight, weighted);
      }
      scores.put("gain", gainScores(predictor, prompts));
      return scores;
    }

    /** The strong model's predicted chance minus the cheap one's. */
    double[] gainScores(SuccessPredictor predictor, List<Integer> prompts) {
      return prompts.stream()
          .mapToDouble(
              i -> {
                double[] chance =
                    predictor.predict(examples.get(i).embedding(), examples.get(i).promptChars());
                return chance[strong] - chance[1 - strong];
              })
          .toArray();
    }

    double[] weakChanceScores(SuccessPredictor predictor, List<Integer> prompts) {
      return prompts.stream()
          .mapToDouble(
              i ->
                  -predictor
                      .predict(examples.get(i).embedding(), examples.get(i).promptChars())[
                      1 - strong])
          .toArray();
    }

    /** Each request feature alone as a router's score (a yes/no feature ties: the rest random). */
    Map<String, Object> featureApgrs(List<Integer> prompts, Outcomes outcomes) {
      Map<String, java.util.function.ToDoubleFunction<PromptFeatures>> each = new LinkedHashMap<>();
      each.put("length", PromptFeatures::logLength);
      each.put("code", f -> f.code() ? 1 : 0);
      each.put("maths", f -> f.maths() ? 1 : 0);
      each.put("multiple_choice", f -> f.multipleChoice() ? 1 : 0);
      each.put("turns", PromptFeatures::turns);
      each.put("tools", f -> f.tools() ? 1 : 0);
      each.put("requested_output", PromptFeatures::requestedOutput);
      Map<String, Object> result = new LinkedHashMap<>();
      each.forEach(
          (name, feature) -> {
            double[] s =
                prompts.stream().mapToDouble(i -> feature.applyAsDouble(features.get(i))).toArray();
            long present = Arrays.stream(s).filter(v -> v != s[0]).count();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("apgr", apgrOf(s, outcomes));
            row.put("varies", present > 0);
            row.put(
                "share_with_feature",
                SelectionEval.round(
                    Arrays.stream(s).filter(v -> v > 0).count() / (double) s.length));
            result.put(name, row);
          });
      return result;
    }

    /**
     * The unseen prompts in a fixed random order: the first half through the router's policy
     * routing with the chosen model's outcome fed back, the second half scored.
     */
    Map<String, Object> replay(
        SuccessPredictor before,
        List<LabelledExample> trainExamples,
        SuccessPredictor knn,
        PromptClusters clusters,
        Variant variant) {
      int weak = 1 - strong;
      List<Integer> order = new ArrayList<>(eval);
      Collections.shuffle(order, new Random(SEED));
      List<Integer> fed = order.subList(0, order.size() / 2);
      List<Integer> held = order.subList(order.size() / 2, order.size());
      double[] fedChance =
          fed.stream()
              .mapToDouble(
                  i ->
                      before
                          .predict(examples.get(i).embedding(), examples.get(i).promptChars())[
                          weak])
              .sorted()
              .toArray();
      double threshold = fedChance[fedChance.length / 2];

      PolicyRouting routing =
          new PolicyRouting(CandidatePolicy.DEFAULTS, exploration, new SplittableRandom(SEED));
      List<LabelledExample> learnedFrom = new ArrayList<>(trainExamples);
      SuccessPredictor predictor = before;
      List<Map<String, Object>> switches = new ArrayList<>();
      CandidatePolicy following = routing.inForce();
      int toStrong = 0;
      for (int n = 0; n < fed.size(); n++) {
        int i = fed.get(n);
        LabelledExample e = examples.get(i);
        double[] chance = predictor.predict(e.embedding(), e.promptChars());
        double weakChance = chance[weak];
        PolicyGroups.Key group =
            variant.perCluster()
                ? new PolicyGroups.Key(null, clusters.nearest(e.embedding()))
                : PolicyGroups.Key.NONE;
        PolicyRouting.Decision decision =
            routing.decide(
                features.get(i), weakChance, chance[strong], weakChance < threshold, group);
        int answered = decision.strong() ? strong : weak;
        toStrong += decision.strong() ? 1 : 0;
        double reward = e.outcomes()[answered];
        routing.record(decision.outcome(reward));
        double[] seen = new double[models.size()];
        Arrays.fill(seen, Double.NaN);
        seen[answered] = reward;
        learnedFrom.add(new LabelledExample(e.embedding(), e.promptChars(), seen));
        if ((n + 1) % REFIT_EVERY == 0) {
          predictor = SuccessPredictor.train(models, learnedFrom, Method.mixture, Settings.DEFAULT);
        } else if ((n + 1) % NEIGHBOUR_UPDATE_EVERY == 0) {
          predictor = predictor.withExamples(learnedFrom);
        }
        if (routing.inForce() != following) {
          following = routing.inForce();
          switches.add(Map.of("after_feedback_on", n + 1, "to", following.name()));
        }
      }
      SuccessPredictor after =
          SuccessPredictor.train(models, learnedFrom, Method.mixture, Settings.DEFAULT);
      Outcomes outcomes = outcomesOf(held);
      Map<String, double[]> afterScores = candidateScores(after, held);
      Map<String, double[]> beforeScores = candidateScores(before, held);
      PolicyRouting.Status status = routing.status();

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("fed_prompts", fed.size());
      result.put("held_out_prompts", held.size());
      result.put("fed_strong_share", SelectionEval.round((double) toStrong / fed.size()));
      result.put("policy_in_force", status.inForce().name());
      result.put("switches", switches);
      result.put("explored", status.explored());
      result.put("explored_off_policy", status.exploredOffPolicy());
      Map<String, Object> estimated = new LinkedHashMap<>();
      status
          .estimates()
          .forEach(
              (policy, estimate) ->
                  estimated.put(
                      policy.name(),
                      Map.of(
                          "pgr",
                              Arrays.asList(
                                  r(estimate.pgr().estimate()),
                                  r(estimate.pgr().low()),
                                  r(estimate.pgr().high())),
                          "strong_share",
                              Arrays.asList(
                                  r(estimate.strongShare().estimate()),
                                  r(estimate.strongShare().low()),
                                  r(estimate.strongShare().high())))));
      result.put("estimated_on_fed_half", estimated);
      // Each held prompt ranked by the policy its group follows at the end: every candidate's
      // scores as ranks, so policies that send the same share mix on one scale.
      Map<Integer, CandidatePolicy> clusterPolicy = new LinkedHashMap<>();
      Map<String, Object> clusterPolicies = new LinkedHashMap<>();
      for (PolicyGroups.GroupStatus g : routing.groupStatus()) {
        clusterPolicy.put(Integer.valueOf(g.name()), g.inForce());
        clusterPolicies.put(
            g.name(),
            Map.of(
                "in_force", g.inForce().name(), "own", g.own() != null, "outcomes", g.outcomes()));
      }
      result.put("cluster_policies", clusterPolicies);
      Map<String, double[]> heldRanks = new LinkedHashMap<>();
      afterScores.forEach((name, s) -> heldRanks.put(name, ranks(s)));
      double[] followed = new double[held.size()];
      for (int j = 0; j < held.size(); j++) {
        CandidatePolicy policy =
            variant.perCluster()
                ? clusterPolicy.getOrDefault(
                    clusters.nearest(examples.get(held.get(j)).embedding()), status.inForce())
                : status.inForce();
        followed[j] = heldRanks.get(policy.name())[j];
      }
      double router = apgrOf(followed, outcomes);
      result.put("router_after_feedback", router);
      Map<String, Object> afterApgr = new LinkedHashMap<>();
      afterScores.forEach(
          (name, s) -> afterApgr.put(name + "_after_feedback", apgrOf(s, outcomes)));
      result.put("candidates", afterApgr);
      Map<String, Object> baselines = new LinkedHashMap<>();
      baselines.put("length", apgrOf(beforeScores.get("length"), outcomes));
      baselines.put("structure", apgrOf(beforeScores.get("structure"), outcomes));
      baselines.put("knn", apgrOf(weakChanceScores(knn, held), outcomes));
      baselines.put("random", 0.5);
      baselines.put("learned_without_feedback", apgrOf(beforeScores.get("learned"), outcomes));
      baselines.put("blend_without_feedback", apgrOf(beforeScores.get("blend"), outcomes));
      result.put("baselines", baselines);
      double bestBaseline =
          baselines.values().stream().mapToDouble(v -> (double) v).max().orElseThrow();
      result.put("best_baseline", bestBaseline);
      result.put("target_met", router >= 0.65 && router > bestBaseline);
      result.put("reference_subject_gain", subjectGainApgr(held, outcomes));
      if (variant == Variant.ROUTER_WIDE) {
        result.put(
            "learned_after_feedback_tried",
            predictorsTried(learnedFrom, trainExamples.size(), held, outcomes));
      }
      return result;
    }

    /**
     * The learned policy after feedback with other predictor settings: the neighbours' share of the
     * mixture at 1 instead of 0.5 (k 32 and 64), and the fed prompts counted three times.
     */
    Map<String, Object> predictorsTried(
        List<LabelledExample> learnedFrom, int trained, List<Integer> held, Outcomes outcomes) {
      Map<String, Object> tried = new LinkedHashMap<>();
      Settings d = Settings.DEFAULT;
      Map<String, Settings> settings = new LinkedHashMap<>();
      settings.put(
          "neighbour_share_1",
          new Settings(d.neighbours(), d.priorWeight(), d.l2(), d.iterations(), 1));
      settings.put(
          "neighbour_share_1_k64", new Settings(64, d.priorWeight(), d.l2(), d.iterations(), 1));
      settings.forEach(
          (name, s) ->
              tried.put(
                  name,
                  apgrOf(
                      weakChanceScores(
                          SuccessPredictor.train(models, learnedFrom, Method.mixture, s), held),
                      outcomes)));
      List<LabelledExample> weighted = new ArrayList<>(learnedFrom);
      List<LabelledExample> fedExamples = learnedFrom.subList(trained, learnedFrom.size());
      weighted.addAll(fedExamples);
      weighted.addAll(fedExamples);
      tried.put(
          "fed_counted_three_times",
          apgrOf(
              weakChanceScores(SuccessPredictor.train(models, weighted, Method.mixture, d), held),
              outcomes));
      return tried;
    }

    /**
     * A reference no router can reach: the prompts ranked by their subject's true gain (strong
     * minus weak accuracy over these very prompts). A router above it ranks prompts within a
     * subject better than perfect subject-level knowledge.
     */
    double subjectGainApgr(List<Integer> prompts, Outcomes outcomes) {
      Map<Integer, double[]> perSubject = new LinkedHashMap<>();
      for (int j = 0; j < prompts.size(); j++) {
        double[] sums = perSubject.computeIfAbsent(subjectOf[prompts.get(j)], k -> new double[3]);
        sums[0] += outcomes.strong()[j] - outcomes.weak()[j];
        sums[1]++;
      }
      double[] scores = new double[prompts.size()];
      for (int j = 0; j < scores.length; j++) {
        double[] sums = perSubject.get(subjectOf[prompts.get(j)]);
        scores[j] = sums[0] / sums[1];
      }
      return apgrOf(scores, outcomes);
    }

    Outcomes outcomesOf(List<Integer> prompts) {
      double[] w =
          prompts.stream().mapToDouble(i -> examples.get(i).outcomes()[1 - strong]).toArray();
      double[] s = prompts.stream().mapToDouble(i -> examples.get(i).outcomes()[strong]).toArray();
      return new Outcomes(w, s);
    }
  }

  private record Outcomes(double[] weak, double[] strong) {}

  private static double apgrOf(double[] scores, Outcomes outcomes) {
    return SelectionEval.round(RoutingCurve.of(scores, outcomes.weak(), outcomes.strong()).apgr());
  }

  /** Rounded, or null (JSON null) when unknown. */
  private static Double r(double value) {
    return Double.isNaN(value) ? null : SelectionEval.round(value);
  }

  /** Each score's rank among all, ties averaged, scaled to [0, 1]. */
  static double[] ranks(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double[] rank = new double[scores.length];
    for (int k = 0; k < order.length; ) {
      int end = k;
      while (end < order.length && scores[order[end]] == scores[order[k]]) {
        end++;
      }
      double mid = (k + end - 1) / 2.0 / Math.max(1, scores.length - 1);
      for (int j = k; j < end; j++) {
        rank[order[j]] = mid;
      }
      k = end;
    }
    return rank;
  }
}
