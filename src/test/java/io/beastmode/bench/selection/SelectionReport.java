package io.beastmode.bench.selection;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown summary written beside selection.json. */
final class SelectionReport {
  private SelectionReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder md = new StringBuilder();
    md.append("# Learned selection on unseen subjects\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Trained on %s (%s prompts, %d subjects), scored on %s (%s prompts, %d subjects)."
                + " Weak: %s, strong: %s.\n\n",
            r.get("train"),
            r.get("train_prompts"),
            ((List<?>) r.get("train_subjects")).size(),
            r.get("eval"),
            r.get("prompts"),
            ((List<?>) r.get("eval_subjects")).size(),
            r.get("weak_model"),
            r.get("strong_model")));
    md.append("| router | APGR | CPT(50%) | CPT(80%) |\n|---|---|---|---|\n");
    row(md, "learned (" + r.get("method") + ", the learned candidate policy)", r);
    Map<String, Object> methods = (Map<String, Object>) r.get("methods");
    for (var e : methods.entrySet()) {
      row(md, "method " + e.getKey(), (Map<String, Object>) e.getValue());
    }
    Map<String, Object> baselines = (Map<String, Object>) r.get("baselines");
    for (var e : baselines.entrySet()) {
      row(md, "baseline " + e.getKey(), (Map<String, Object>) e.getValue());
    }
    row(
        md,
        "reference, not a router: each EVAL file's true gain",
        (Map<String, Object>) r.get("reference_file_oracle"));
    Map<String, Object> replay = (Map<String, Object>) r.get("feedback_replay");
    md.append(
        String.format(
            Locale.ROOT,
            "%nFeedback replay: %s prompts of EVAL fed back, APGR on the other %s:%n%n",
            replay.get("fed_prompts"),
            replay.get("held_out_prompts")));
    md.append("| feedback | APGR | CPT(50%) | CPT(80%) |\n|---|---|---|---|\n");
    for (String k :
        List.of("without_feedback", "feedback_on_chosen_model", "feedback_on_both_models")) {
      row(md, k.replace('_', ' '), (Map<String, Object>) replay.get(k));
    }
    md.append("\nStrong share by threshold (the router's `learnedThreshold`):\n\n");
    md.append("| threshold | strong share | PGR |\n|---|---|---|\n");
    for (Map<String, Object> t : (List<Map<String, Object>>) r.get("strong_share")) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %.3f |%n",
              t.get("threshold"),
              SelectionEval.percent(t.get("strong_share")),
              ((Number) t.get("pgr")).doubleValue()));
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String name, Map<String, Object> m) {
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %.3f | %s | %s |%n",
            name,
            ((Number) m.get("apgr")).doubleValue(),
            SelectionEval.percent(m.get("cpt50")),
            SelectionEval.percent(m.get("cpt80"))));
  }
}
