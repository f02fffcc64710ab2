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
      "off; exact: the same normalised request; semantic: also a prompt that asks the same in"
          + " other words, within the bound semantic.maxWrongRate sets.")
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

  @Default("{}")
  @JsonPropertyDescription(
      "Under the semantic mode: the bound on wrong answers, shadow mode and the entries kept.")
  public SemanticCacheSpec semantic = new SemanticCacheSpec();
}
