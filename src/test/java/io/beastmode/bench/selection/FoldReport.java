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
            + " every baseline) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> run : runs) {
      Map<String, Object> replay = (Map<String, Object>) run.get("replay");
      Map<String, Object> baselines = (Map<String, Object>) replay.get("baselines");
      Map<String, Object> candidates = (Map<String, Object>) replay.get("candidates");
      double router = (double) replay.get("router_after_feedback");
      md.append(
          String.format(
              Locale.ROOT,
              "| %s %s | %s | %s %s | **%.3f** | %.3f | %.3f | %.3f | %.3f | %.3f | %s (%s) | %s |\n",
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
                  (boolean) replay.get("target_met"))));
    }
    return md.toString();
  }

  private static String verdict(double margin, boolean met) {
    return met ? "met" : String.format(Locale.ROOT, "missed by %.3f", -margin);
  }
}
