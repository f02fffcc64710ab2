package io.beastmode.router.access;

import io.beastmode.wire.AccessConfig;
import java.util.Set;

/**
 * Who a request comes from once its key is accepted.
 *
 * @param apiKey the ApiKey the presented value belongs to, as namespace/name (never the value)
 * @param tenant the tenant the caller acts as; partitions the response cache
 * @param models the models and aliases the caller may ask for; empty allows every one
 * @param quota its rate limits and budget, or null for none
 * @param cache how it narrows the semantic cache, or null to follow the router
 */
public record Caller(
    String apiKey,
    String tenant,
    Set<String> models,
    AccessConfig.Quota quota,
    AccessConfig.Cache cache) {
  public Caller {
    models = Set.copyOf(models);
  }

  public Caller(String apiKey, String tenant, Set<String> models, AccessConfig.Quota quota) {
    this(apiKey, tenant, models, quota, null);
  }

  /** Whether the caller may ask for {@code model} (a model's name or an alias). */
  public boolean allows(String model) {
    return models.isEmpty() || models.contains(model);
  }
}
