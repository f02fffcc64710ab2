package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/** Response cache in the region's Redis. */
public class CacheSpec {

  @Default("exact")
  @JsonPropertyDescription(
      "off; exact: same normalised request; semantic: a similar enough prompt.")
  public CacheMode mode = CacheMode.exact;

  @Default("3600")
  @Min(1)
  @Max(2592000)
  @JsonPropertyDescription("Seconds an answer stays in the cache.")
  public int ttlSeconds = 3600;

  @Default("x-beastmode-tenant")
  @Pattern("^[A-Za-z0-9-]+$")
  @JsonPropertyDescription(
      "Request header naming the tenant; the cache is partitioned by its value.")
  public String tenantHeader = "x-beastmode-tenant";

  @Default("false")
  @JsonPropertyDescription(
      "Cache requests with temperature above 0 too (by default they bypass the cache).")
  public boolean cacheNonZeroTemperature;

  @Default("false")
  @JsonPropertyDescription("Cache requests that carry tools (by default they bypass the cache).")
  public boolean cacheToolRequests;

  @Default("0.95")
  @Min(0)
  @Max(1)
  @JsonPropertyDescription(
      "Under the semantic mode, the least similarity between prompts for a hit.")
  public double similarityThreshold = 0.95;
}
