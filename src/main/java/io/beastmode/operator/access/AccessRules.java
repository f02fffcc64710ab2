package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.BudgetScope;
import io.beastmode.api.v1alpha1.KeyBudget;
import io.beastmode.api.v1alpha1.KeyLimits;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.operator.Timestamps;
import io.beastmode.wire.AccessConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a router's keys file says: its access mode and, for mode keys, every value of every ApiKey
 * naming it, by hash. Pure. Values past their end are left out; routers also refuse them at the
 * exact time on their own.
 */
public final class AccessRules {
  private AccessRules() {}

  /**
   * @param keys ApiKeys of the router's namespace (any router); those naming it are taken
   */
  public static AccessConfig of(LLMRouter router, List<ApiKey> keys, Instant now) {
    if (router.getSpec().access.mode == AccessMode.open) {
      return AccessConfig.OPEN;
    }
    String name = router.getMetadata().getName();
    var accepted = new ArrayList<AccessConfig.Key>();
    keys.stream()
        .filter(key -> key.getSpec().routers.stream().anyMatch(r -> r.name.equals(name)))
        .sorted(Comparator.comparing(key -> key.getMetadata().getName()))
        .forEach(
            key -> accepted.addAll(values(key, router.getSpec().access.localAllowanceUsd, now)));
    return new AccessConfig(AccessMode.keys, List.copyOf(accepted));
  }

  /**
   * @param routerAllowanceUsd the router's ledger outage allowance, for a budget without its own
   */
  private static List<AccessConfig.Key> values(ApiKey key, Double routerAllowanceUsd, Instant now) {
    var status = key.getStatus();
    var spec = key.getSpec();
    if (status == null || status.keyHash == null || ended(spec.expiresAt, now)) {
      return List.of();
    }
    String apiKey = name(key);
    var values = new ArrayList<AccessConfig.Key>();
    var quota = quota(spec, status.budgetRegions, routerAllowanceUsd);
    var cache =
        spec.cache == null
            ? null
            : new AccessConfig.Cache(spec.cache.maxWrongRate, spec.cache.shadow);
    values.add(
        new AccessConfig.Key(
            apiKey, status.keyHash, spec.tenant, spec.models, spec.expiresAt, quota, cache));
    if (status.previousKeyHash != null && !ended(status.previousValidUntil, now)) {
      values.add(
          new AccessConfig.Key(
              apiKey,
              status.previousKeyHash,
              spec.tenant,
              spec.models,
              earlier(status.previousValidUntil, spec.expiresAt),
              quota,
              cache));
    }
    return values;
  }

  /** How routers, their files and Redis name a key: {@code namespace/name}. */
  static String name(ApiKey key) {
    return key.getMetadata().getNamespace() + "/" + key.getMetadata().getName();
  }

  /**
   * The key's limits and budget as routers enforce them; null when it has neither. A budget without
   * a local allowance of its own takes the router's.
   */
  static AccessConfig.Quota quota(
      ApiKeySpec spec, Integer budgetRegions, Double routerAllowanceUsd) {
    if (spec.limits == null && spec.budget == null) {
      return null;
    }
    var limits = spec.limits == null ? new KeyLimits() : spec.limits;
    var budget = spec.budget == null ? new KeyBudget() : spec.budget;
    return new AccessConfig.Quota(
        limits.requestsPerMinute,
        limits.tokensPerMinute,
        budget.usdPerDay,
        budget.usdPerMonth,
        budget.tokensPerDay,
        budget.scope == BudgetScope.Tenant,
        spec.budget == null || budgetRegions == null || budgetRegions < 2 ? null : budgetRegions,
        budget.localAllowanceUsd != null ? budget.localAllowanceUsd : routerAllowanceUsd);
  }

  private static boolean ended(String at, Instant now) {
    return at != null && !Timestamps.parse(at).isAfter(now);
  }

  private static String earlier(String a, String b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return Timestamps.parse(a).isBefore(Timestamps.parse(b)) ? a : b;
  }
}
