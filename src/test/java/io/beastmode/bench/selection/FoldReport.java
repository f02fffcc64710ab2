package io.beastmode.bench.selection;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown summary written beside selection-folds.json. */
final class FoldReport {
  private FoldReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    List<Map<String, Object>> runs = (List<Map<String, Object>>) r.get("runs");
    StringBuilder md = new StringBuilder();
    md.append("# Model selection on three subject folds\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Subjects of %s sorted by name, fold = position mod 3. \"out\": trained on the other two"
                + " folds, scored on this one; \"in\": trained on this fold, scored on the other"
                + " two. Weak: %s, strong: %s. The router's policy with no feedback: %s. APGR"
                + " throughout.\n\n",
            r.get("folds_of"),
            r.get("weak_model"),
            r.get("strong_model"),
            r.get("default_policy")));
    md.append("## Without feedback (unseen subjects)\n\n");
    md.append(
        "| fold | prompts | router | learned | length | structure | blend | knn | random | best"
            + " baseline | target (≥ best − 0.01) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> run : runs) {
      Map<String, Object> apgr = (Map<String, Object>) run.get("apgr");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s %s | %s | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s |\n",
              run.get("fold"),
              run.get("direction"),
              run.get("prompts"),
              run.get("router_no_feedback"),
              apgr.get("learned"),
              apgr.get("length"),
              apgr.get("structure"),
              apgr.get("blend"),
              apgr.get("knn"),
              apgr.get("random"),
              run.get("best_baseline"),
              verdict(
                  (double) run.get("router_no_feedback") - (double) run.get("best_baseline") + 0.01,
                  (boolean) run.get("no_feedback_target_met"))));
    }
    md.append(
        "\nThe default policy chosen without the eval subjects: the training prompts split in two"
            + " halves (alternate subjects, or alternate clusters of their embeddings), each scored"
            + " by a predictor trained on the other, the candidate best on both ways chosen.\n\n"
            + "| fold | chosen on inner subject split | APGR on eval | target | chosen on inner"
            + " cluster split | APGR on eval | target |\n|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> run : runs) {
      md.append("| ").append(run.get("fold")).append(' ').append(run.get("direction"));
      for (String split : List.of("inner_subject_split", "inner_cluster_split")) {
        Map<String, Object> choice = (Map<String, Object>) run.get(split);
        double apgr = (double) choice.get("apgr_on_eval");
        double margin = apgr - (double) run.get("best_baseline") + 0.01;
        md.append(
            String.format(
                Locale.ROOT,
                " | %s (%.3f) | %.3f | %s",
                choice.get("chosen"),
                ((Map<String, Object>) choice.get("inner_apgr")).get(choice.get("chosen")),
                apgr,
                verdict(margin, margin >= 0)));
      }
      md.append(" |\n");
    }
    md.append("\n## Each request feature alone (unseen subjects)\n\n");
    Map<String, Object> firstFeatures = (Map<String, Object>) runs.get(0).get("features_alone");
    md.append("| fold |");
    firstFeatures.keySet().forEach(f -> md.append(' ').append(f).append(" |"));
    md.append("\n|---|");
    firstFeatures.keySet().forEach(f -> md.append("---|"));
    md.append('\n');
    for (Map<String, Object> run : runs) {
      md.append("| ").append(run.get("fold")).append(' ').append(run.get("direction")).append(" |");
      ((Map<String, Object>) run.get("features_alone"))
          .values()
          .forEach(
              v -> {
                Map<String, Object> f = (Map<String, Object>) v;
                md.append(
                    (boolean) f.get("varies")
                        ? String.format(
                            Locale.ROOT,
                            " %.3f (%s%%) |",
                            f.get("apgr"),
                            Math.round(100 * (double) f.get("share_with_feature")))
                        : " constant |");
              });
      md.append('\n');
    }
    md.append(
        String.format(
            Locale.ROOT,
            "\n## Feedback replay (chosen model's outcome only, exploration %s)\n\n",
            r.get("exploration_share")));
    md.append(
        "| fold | fed | policy in force at the end (switches) | router | learned + feedback | length"
            + " | structure | knn | best baseline | explored (off-policy) | target (≥ 0.65, above"
            + " every baseline) | reference: subject's true gain |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> run : runs) {
      Map<String, Object> replay = (Map<String, Object>) run.get("replay");
      Map<String, Object> baselines = (Map<String, Object>) replay.get("baselines");
      Map<String, Object> candidates = (Map<String, Object>) replay.get("candidates");
      double router = (double) replay.get("router_after_feedback");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s %s | %s | %s %s | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %s (%s) | %s |"
                  + " %.3f |\n",
              run.get("fold"),
              run.get("direction"),
              replay.get("fed_prompts"),
              replay.get("policy_in_force"),
              replay.get("switches"),
              router,
              candidates.get("learned_after_feedback"),
              baselines.get("length"),
              baselines.get("structure"),
              baselines.get("knn"),
              replay.get("best_baseline"),
              replay.get("explored"),
              replay.get("explored_off_policy"),
              verdict(
                  Math.min(router - 0.65, router - (double) replay.get("best_baseline")),
                  (boolean) replay.get("target_met")),
              replay.get("reference_subject_gain")));
    }
    md.append(
        "\n### Router-wide and per-cluster policies in the same replay\n\n"
            + "Per-cluster: each of the 8 clusters of the training prompts' embeddings keeps its own"
            + " estimates and follows its own best candidate once that is better than the router's"
            + " at 99.9 %; each held-out prompt is then ranked by the policy its cluster follows."
            + " The last columns: the learned policy after the same feedback with other predictor"
            + " settings (tried, not the router's).\n\n"
            + "| fold | router-wide | per-cluster | clusters on their own policy (outcomes of the"
            + " smallest and largest) | learned + feedback | neighbour share 1 | share 1, k 64 | fed"
            + " prompts counted 3 times |\n|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> run : runs) {
      Map<String, Object> replay = (Map<String, Object>) run.get("replay");
      Map<String, Object> perCluster = (Map<String, Object>) run.get("replay_per_cluster");
      Map<String, Object> clusters = (Map<String, Object>) perCluster.get("cluster_policies");
      StringBuilder own = new StringBuilder();
      int fewest = Integer.MAX_VALUE;
      int most = 0;
      for (var e : clusters.entrySet()) {
        Map<String, Object> c = (Map<String, Object>) e.getValue();
        int outcomes = ((Number) c.get("outcomes")).intValue();
        fewest = Math.min(fewest, outcomes);
        most = Math.max(most, outcomes);
        if ((boolean) c.get("own")) {
          own.append(own.isEmpty() ? "" : ", ")
              .append(e.getKey())
              .append(": ")
              .append(c.get("in_force"));
        }
      }
      Map<String, Object> tried = (Map<String, Object>) replay.get("learned_after_feedback_tried");
      Map<String, Object> candidates = (Map<String, Object>) replay.get("candidates");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s %s | %.3f | %.3f | %s (%d to %d) | %.3f | %.3f | %.3f | %.3f |\n",
              run.get("fold"),
              run.get("direction"),
              replay.get("router_after_feedback"),
              perCluster.get("router_after_feedback"),
              own.isEmpty() ? "none" : own,
              fewest,
              most,
              candidates.get("learned_after_feedback"),
              tried.get("neighbour_share_1"),
              tried.get("neighbour_share_1_k64"),
              tried.get("fed_counted_three_times")));
    }
    md.append(
        "\nThe shared data has no tenant notion (every prompt is one MMLU question with no caller),"
            + " so per-tenant policies are not measured here; PolicyGroupsTest covers them.\n");
    return md.toString();
  }

  private static String verdict(double margin, boolean met) {
    return met ? "met" : String.format(Locale.ROOT, "missed by %.3f", -margin);
  }
}
