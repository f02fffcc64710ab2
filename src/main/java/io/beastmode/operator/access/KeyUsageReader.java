package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BudgetScope;
import io.beastmode.api.v1alpha1.KeyRegionUsage;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.Timestamps;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.wire.KeyUse;
import io.beastmode.wire.QuotaKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads what a key used in each region from the region's Redis: when routers last admitted it and,
 * for a key with a budget, what it spent today and this month. A region whose Redis cannot be read
 * keeps the entry it had.
 */
final class KeyUsageReader {
  private static final Logger LOG = Logger.getLogger(KeyUsageReader.class);
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final RegionRedisClients redis;

  KeyUsageReader(RegionRedisClients redis) {
    this.redis = redis;
  }

  List<KeyRegionUsage> read(
      ApiKey key, List<Region> regions, List<KeyRegionUsage> previous, Instant now) {
    String apiKey = AccessRules.name(key);
    var budget = key.getSpec().budget;
    var quotaKeys =
        QuotaKeys.of(
            key.getSpec().tenant, apiKey, budget != null && budget.scope == BudgetScope.Tenant);
    var usage = new ArrayList<KeyRegionUsage>();
    for (Region region : regions) {
      String name = region.getMetadata().getName();
      if (region.getSpec().redis == null) {
        continue;
      }
      var commands = new ArrayList<Request>();
      commands.add(Request.cmd(Command.HGET).arg(KeyUse.KEY).arg(apiKey));
      if (budget != null) {
        commands.add(Request.cmd(Command.GET).arg(quotaKeys.usdOnDay(now)));
        commands.add(Request.cmd(Command.GET).arg(quotaKeys.usdInMonth(now)));
        commands.add(Request.cmd(Command.GET).arg(quotaKeys.tokensOnDay(now)));
      }
      try {
        List<Response> replies =
            RegionRedisClients.await(
                redis.client(RedisAddress.of(region.getSpec().redis)).batch(commands), TIMEOUT);
        Response last = replies.get(0);
        usage.add(
            new KeyRegionUsage(
                name,
                budget == null ? null : nanoUsd(replies.get(1)),
                budget == null ? null : nanoUsd(replies.get(2)),
                budget == null ? null : count(replies.get(3)),
                last == null ? null : Timestamps.format(Instant.ofEpochMilli(last.toLong()))));
      } catch (RegionRedisClients.Unavailable e) {
        LOG.debugf("key %s: usage in region %s not read: %s", apiKey, name, e.getMessage());
        previousEntry(previous, name).ifPresent(usage::add);
      }
    }
    return usage;
  }

  static Optional<KeyRegionUsage> previousEntry(List<KeyRegionUsage> previous, String region) {
    return previous == null
        ? Optional.empty()
        : previous.stream().filter(u -> region.equals(u.region)).findFirst();
  }

  private static Double nanoUsd(Response reply) {
    return reply == null ? 0.0 : reply.toLong() / 1e9;
  }

  private static Long count(Response reply) {
    return reply == null ? 0L : reply.toLong();
  }
}
