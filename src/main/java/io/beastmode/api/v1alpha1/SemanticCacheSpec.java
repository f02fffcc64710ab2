package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * The semantic cache: an answer served for a prompt that asks what a cached one asked, in other
 * words. Served only where the cache can say the share of wrong answers stays under {@code
 * maxWrongRate}.
 */
public class SemanticCacheSpec {

  // The API server compares an integer with a fractional minimum truncated: 0 would pass 0.0001.
  @Default("0.01")
  @Min(0.0001)
  @Max(0.2)
  @ValidationRule(
      value = "double(self) >= 0.0001 && double(self) <= 0.2",
      message = "maxWrongRate must be within [0.0001, 0.2]")
  @JsonPropertyDescription(
      "The largest share of requests that may get a wrong answer from the semantic cache (delta):"
          + " 0.01 allows one in a hundred. The cache learns when a similarity is safe and serves"
          + " nothing it cannot yet vouch for.")
  public double maxWrongRate = 0.01;

  @Default("false")
  @JsonPropertyDescription(
      "Compute what the semantic cache would serve and compare it with the model's answer, but"
          + " always serve the model's: measures the false-hit rate on your own traffic before the"
          + " cache is turned on. Exact repeats are still served from the cache.")
  public boolean shadow;

  @Default("50000")
  @Min(100)
  @Max(1000000)
  @JsonPropertyDescription(
      "Entries kept per partition (tenant, model, system prompt, tools, sampling and earlier"
          + " turns alike); the oldest goes first.")
  public int maxEntriesPerPartition = 50000;
}
