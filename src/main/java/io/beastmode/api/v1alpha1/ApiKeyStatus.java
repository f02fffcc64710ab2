package io.beastmode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Observed state of an ApiKey. Holds hashes of the key's values, never a value. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ApiKeyStatus implements HasConditions {

  @JsonPropertyDescription("The metadata.generation this status was computed from.")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready: the key's Secret exists and routers accept the key.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The Secret holding the key's value under data.api-key.")
  public String secretName;

  @JsonPropertyDescription("SHA-256 (hex) of the current value: what routers check a key against.")
  public String keyHash;

  @JsonPropertyDescription("SHA-256 (hex) of the value before the last rotation, while in grace.")
  public String previousKeyHash;

  @JsonPropertyDescription("Until when the previous value keeps working (RFC 3339).")
  public String previousValidUntil;

  @JsonPropertyDescription("The rotate annotation's value the current value was made for.")
  public String rotation;

  @JsonPropertyDescription("When the current value was made (RFC 3339).")
  public String createdAt;

  @JsonPropertyDescription("When any router last admitted the key (RFC 3339).")
  public String lastUsedAt;

  @JsonPropertyDescription(
      "Use per region of the key's routers, read from each region's Redis every minute; a region"
          + " whose Redis cannot be read keeps its last entry.")
  public List<KeyRegionUsage> usage;

  @JsonPropertyDescription(
      "How many regions share the key's budget: those of its routers with a Redis. Each spends"
          + " the allowance in its usage entry, which the operator moves to where it is needed.")
  public Integer budgetRegions;

  @JsonPropertyDescription(
      "The UTC day (YYYY-MM-DD) the allowances in usage are for; the monthly one is for its month.")
  public String allowanceDay;

  @Override
  public List<Condition> getConditions() {
    return conditions;
  }
}
