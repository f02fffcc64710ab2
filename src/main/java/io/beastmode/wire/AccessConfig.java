package io.beastmode.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.beastmode.api.v1alpha1.AccessMode;
import java.util.List;

/**
 * Who may call the routers of one region: the third file of the routing ConfigMap ({@code
 * keys.yaml}), apart from {@link RoutingConfig} because keys come and go without rolling the
 * routers, which re-read it every second. Holds hashes of key values, never a value.
 *
 * @param mode keys: only callers presenting one of {@code keys}; open: anyone
 * @param keys the keys that open the router, each value's SHA-256 ({@link Digests#sha256Hex})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AccessConfig(AccessMode mode, List<Key> keys) {

  /** Anyone may call: what a router without a keys file serves. */
  public static final AccessConfig OPEN = new AccessConfig(AccessMode.open, List.of());

  /**
   * One accepted key value. A rotated key appears twice while its previous value is in grace.
   *
   * @param apiKey the ApiKey it comes from, as namespace/name
   * @param sha256 SHA-256 (hex) of the value a caller presents
   * @param tenant the tenant a caller with this value acts as
   * @param models models and aliases it may ask for; empty allows every one
   * @param notAfter when the value stops working (RFC 3339), or null for never
   * @param quota its rate limits and budget, or null for none
   * @param cache how the semantic cache narrows for it, or null to follow the router
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Key(
      String apiKey,
      String sha256,
      String tenant,
      List<String> models,
      String notAfter,
      Quota quota,
      Cache cache) {
    public Key(
        String apiKey,
        String sha256,
        String tenant,
        List<String> models,
        String notAfter,
        Quota quota) {
      this(apiKey, sha256, tenant, models, notAfter, quota, null);
    }
  }

  /**
   * A key's narrowing of the router's semantic cache, each null to follow the router.
   *
   * @param maxWrongRate a lower bound on wrong answers than the router's (a higher one is ignored)
   * @param shadow true: compare only, never serve a semantic hit
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cache(Double maxWrongRate, Boolean shadow) {}

  /**
   * What a key may use, each null when unlimited. Minutes, days and months are UTC.
   *
   * @param tenantBudget whether the budget counts the spend of the tenant's keys that share it
   * @param budgetRegions how many regions share the budget; a region spends the allowance the
   *     operator gave it in its Redis, or an even share before it has one (null: one region)
   * @param localAllowanceUsd what each router may admit of the budget per UTC day on its own
   *     estimate while the region's ledger (its Redis) is unreachable; null or 0: none, such
   *     requests are refused with a 429 (fail closed)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Quota(
      Integer requestsPerMinute,
      Integer tokensPerMinute,
      Double usdPerDay,
      Double usdPerMonth,
      Long tokensPerDay,
      boolean tenantBudget,
      Integer budgetRegions,
      Double localAllowanceUsd) {

    /** Without a local allowance: fails closed when the ledger is unreachable. */
    public Quota(
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Double usdPerDay,
        Double usdPerMonth,
        Long tokensPerDay,
        boolean tenantBudget,
        Integer budgetRegions) {
      this(
          requestsPerMinute,
          tokensPerMinute,
          usdPerDay,
          usdPerMonth,
          tokensPerDay,
          tenantBudget,
          budgetRegions,
          null);
    }
  }
}
