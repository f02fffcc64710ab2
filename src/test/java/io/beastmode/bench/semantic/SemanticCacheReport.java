package io.beastmode.bench.semantic;

import java.util.List;
import java.util.Map;

/** The Markdown beside {@code semantic-cache.json}. */
final class SemanticCacheReport {
  private SemanticCacheReport() {}

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder md = new StringBuilder();
    md.append("# Semantic cache evaluation (`make eval-cache`)\n\n");
    md.append("Data: ").append(r.get("data")).append("; δ = ").append(r.get("delta"));
    md.append("; seed ")
        .append(r.get("seed"))
        .append(". Every figure but the exact hit rate is over the ");
    md.append("requests whose exact text was not cached.\n\n");
    md.append("| | requests | hit rate | wrong per request | upper 95 % | wrong per hit |\n");
    md.append("|---|---|---|---|---|---|\n");
    row(md, "policy (tenant 1)", r);
    row(md, "policy (tenant 2, same prompts)", (Map<String, Object>) r.get("second_tenant"));
    Map<String, Object> base = (Map<String, Object>) r.get("baseline_fixed");
    if (base != null) {
      row(md, "best fixed threshold at ≤ the policy's error: " + base.get("threshold"), base);
    }
    Map<String, Object> guarded = (Map<String, Object>) r.get("baseline_fixed_guarded");
    if (guarded != null) {
      row(md, "same, with the guards: " + guarded.get("threshold"), guarded);
    }
    Map<String, Object> atDelta = (Map<String, Object>) r.get("baseline_fixed_at_delta");
    if (atDelta != null) {
      row(md, "best fixed threshold at ≤ δ: " + atDelta.get("threshold"), atDelta);
    }
    for (Map<String, Object> point : (List<Map<String, Object>>) r.get("fixed_thresholds")) {
      row(md, "fixed " + point.get("threshold"), point);
    }
    md.append("\nExact hit rate ").append(r.get("exact_hit_rate"));
    md.append("; cross-tenant hits ").append(r.get("cross_tenant_hits"));
    md.append("; the policy ended serving from similarity ")
        .append(r.get("serving_from_similarity"));
    md.append(".\n\n");
    Map<String, Object> speed = (Map<String, Object>) r.get("lookup_50k");
    md.append("Lookup in a partition of ").append(speed.get("entries"));
    md.append(" of the data's questions, one thread: CPU time p50 ")
        .append(speed.get("index_cpu_p50_ms"));
    md.append(" ms, p99 ").append(speed.get("index_cpu_p99_ms")).append(" ms; wall time p50 ");
    md.append(speed.get("index_p50_ms")).append(" ms, p99 ").append(speed.get("index_p99_ms"));
    md.append(" ms (load average ").append(speed.get("load_average")).append(" on ");
    md.append(speed.get("cores")).append(" cores); a flat scan of the float vectors: p50 ");
    md.append(speed.get("float_scan_p50_ms"))
        .append(" ms. Recall of the nearest entry at or above the floor: ");
    md.append(speed.get("recall_at_1_above_floor"))
        .append(" (")
        .append(speed.get("queries_with_a_neighbour_above_floor"));
    md.append(" queries). While the stream's neighbour lists were built (up to ");
    md.append(r.get("index_entries_at_end"))
        .append(" entries): p99 ")
        .append(r.get("lookup_p99_ms"));
    md.append(" ms wall.\n\n");
    md.append(
        "## Slices\n\n| kind | requests | hit rate | wrong per request | wrong per hit |\n|---|---|---|---|---|\n");
    ((Map<String, Map<String, Object>>) r.get("slices"))
        .forEach(
            (kind, f) ->
                md.append("| ")
                    .append(kind)
                    .append(" | ")
                    .append(f.get("requests"))
                    .append(" | ")
                    .append(f.get("hit_rate"))
                    .append(" | ")
                    .append(f.get("wrong_per_request"))
                    .append(" | ")
                    .append(f.get("wrong_per_hit"))
                    .append(" |\n"));
    md.append("\nEdited prompts (asked against the filled cache, never stored): ");
    md.append(r.get("edited_prompts"))
        .append("\n\nA fixed threshold on them (wrong hits per edited request): ");
    md.append(r.get("fixed_on_edited_prompts")).append("\n\n## Held out\n\n");
    Map<String, Object> held = (Map<String, Object>) r.get("held_out");
    md.append(held.get("split")).append(" (").append(held.get("tune_pairs")).append(" and ");
    md.append(held.get("check_pairs")).append(" pairs).\n\n");
    md.append(
        "| | requests | hit rate | wrong per request | upper 95 % | wrong per hit |\n|---|---|---|---|---|---|\n");
    row(md, "policy on the tuning half", (Map<String, Object>) held.get("policy_on_tune"));
    row(
        md,
        "policy on the checking half, after the tuning half",
        (Map<String, Object>) held.get("policy_on_check_after_tune"));
    row(
        md,
        "policy on the checking half, fresh",
        (Map<String, Object>) held.get("policy_on_check_fresh"));
    Map<String, Object> tuned = (Map<String, Object>) held.get("fixed_tuned_applied_to_check");
    if (tuned != null) {
      row(
          md,
          "fixed threshold tuned to δ on the tuning half ("
              + tuned.get("threshold")
              + ") on the checking half",
          tuned);
    }
    Map<String, Object> checkBase = (Map<String, Object>) held.get("baseline_fixed_on_check");
    if (checkBase != null) {
      row(
          md,
          "best fixed threshold on the checking half at ≤ the policy's error: "
              + checkBase.get("threshold"),
          checkBase);
    }
    md.append("\nDecisions: ").append(r.get("decisions")).append("\n");
    return md.toString();
  }

  private static void row(StringBuilder md, String name, Map<String, Object> f) {
    md.append("| ").append(name).append(" | ").append(f.getOrDefault("requests", "")).append(" | ");
    md.append(f.get("hit_rate")).append(" | ").append(f.get("wrong_per_request")).append(" | ");
    md.append(f.getOrDefault("wrong_per_request_upper95", "")).append(" | ");
    md.append(f.get("wrong_per_hit")).append(" |\n");
  }
}
