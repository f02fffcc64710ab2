package io.beastmode.operator.access;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.BudgetScope;
import io.beastmode.api.v1alpha1.KeyBudget;
import io.beastmode.api.v1alpha1.KeyRegionUsage;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.wire.QuotaKeys;
import io.beastmode.wire.QuotaKeys.Budget;
import io.beastmode.wire.RedisScript;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Splits a budget that several regions share into allowances in each region's Redis, where its
 * routers enforce them, and moves unused allowance to where it is needed. Allowance is lowered
 * first, in one step in the region's Redis that never goes below what the region has spent and
 * holds, and only what that freed is given to others: the allowances never add up to more than the
 * budget, so spend across regions passes it only as spend within one region can (docs/access.md).
 */
final class RegionalAllowances {
  private static final Logger LOG = Logger.getLogger(RegionalAllowances.class);
  private static final RedisScript SCRIPT = RedisScript.load("allowance.lua");
  private static final long KEEP_MILLIS = Duration.ofDays(32).toMillis();

  private final RegionRedisClients redis;

  RegionalAllowances(RegionRedisClients redis) {
    this.redis = redis;
  }

  /**
   * Moves the budget's allowances for the current periods and returns those in force per region
   * (those of regions that did not answer as last known).
   *
   * @param usage the allowances in force at the last split this period, per region
   */
  Map<String, Map<Budget, Long>> rebalance(
      ApiKey key, List<Region> regions, List<KeyRegionUsage> usage, Instant now) {
    var quotaKeys =
        QuotaKeys.of(
            key.getSpec().tenant,
            AccessRules.name(key),
            key.getSpec().budget.scope == BudgetScope.Tenant);
    var inForce = new LinkedHashMap<String, Map<Budget, Long>>();
    regions.forEach(r -> inForce.put(r.getMetadata().getName(), new EnumMap<>(Budget.class)));
    limits(key.getSpec().budget)
        .forEach(
            (measure, limit) -> {
              var split = new Split(quotaKeys, measure, limit, regions.size(), now);
              split
                  .apply(regions, usage)
                  .forEach((region, a) -> inForce.get(region).put(measure, a));
            });
    return inForce;
  }

  /**
   * Raises one region's allowance of a key's budget from {@code from} to {@code to}, as a split
   * does; returns the allowance in force.
   */
  long raise(
      ApiKey key, Budget measure, int regions, String address, long from, long to, Instant now)
      throws RegionRedisClients.Unavailable {
    var quotaKeys =
        QuotaKeys.of(
            key.getSpec().tenant,
            AccessRules.name(key),
            key.getSpec().budget.scope == BudgetScope.Tenant);
    long limit = limits(key.getSpec().budget).get(measure);
    return new Split(quotaKeys, measure, limit, regions, now).raise(address, from, to);
  }

  /** The budget's limits in nano-USD and tokens. */
  static Map<Budget, Long> limits(KeyBudget budget) {
    var limits = new EnumMap<Budget, Long>(Budget.class);
    if (budget.usdPerDay != null) {
      limits.put(Budget.USD_PER_DAY, Math.round(budget.usdPerDay * 1e9));
    }
    if (budget.usdPerMonth != null) {
      limits.put(Budget.USD_PER_MONTH, Math.round(budget.usdPerMonth * 1e9));
    }
    if (budget.tokensPerDay != null) {
      limits.put(Budget.TOKENS_PER_DAY, budget.tokensPerDay);
    }
    return limits;
  }

  /** One budget of one period across the regions. */
  private final class Split {
    private final QuotaKeys keys;
    private final Budget measure;
    private final long limit;
    private final long evenShare;
    private final Instant now;

    Split(QuotaKeys keys, Budget measure, long limit, int regions, Instant now) {
      this.keys = keys;
      this.measure = measure;
      this.limit = limit;
      this.evenShare = limit / regions;
      this.now = now;
    }

    Map<String, Long> apply(List<Region> regions, List<KeyRegionUsage> usage) {
      var sides = new ArrayList<BudgetSplit.Region>();
      var urls = new HashMap<String, String>();
      for (Region region : regions) {
        String name = region.getMetadata().getName();
        urls.put(name, RedisAddress.of(region.getSpec().redis));
        var previous = KeyUsageReader.previousEntry(usage, name).orElse(null);
        try {
          Response reply = run(urls.get(name), "read", 0, 0);
          sides.add(
              new BudgetSplit.Region(name, reply.get(0).toLong(), reply.get(1).toLong(), true));
        } catch (RegionRedisClients.Unavailable e) {
          LOG.debugf("allowance in region %s not read: %s", name, e.getMessage());
          long lastKnown = allowance(previous);
          sides.add(new BudgetSplit.Region(name, lastKnown, lastKnown, false));
        }
      }
      var inForce = new LinkedHashMap<String, Long>();
      sides.forEach(side -> inForce.put(side.name(), side.allowance()));
      var targets = BudgetSplit.targets(limit, sides);
      targets.forEach(
          (region, target) -> {
            if (target < inForce.get(region)) {
              lower(urls.get(region), region, target, inForce);
            }
          });
      BudgetSplit.raises(limit, inForce, targets)
          .forEach((region, raise) -> raise(urls.get(region), region, raise, inForce));
      return inForce;
    }

    /** Lowers one region's allowance; a region that does not answer keeps its own. */
    private void lower(String url, String region, long target, Map<String, Long> inForce) {
      try {
        inForce.put(region, run(url, "set", target, 0).get(0).toLong());
      } catch (RegionRedisClients.Unavailable e) {
        // A lowering that may have happened frees nothing.
        LOG.debugf("allowance in region %s not lowered: %s", region, e.getMessage());
      }
    }

    /**
     * Raises one region's allowance from the one in force by {@code amount}. A raise whose reply
     * does not come is sent once more (a failover may have just moved the master): being made only
     * from the allowance it names, it is never made twice. Still unanswered, it is taken as made,
     * so nothing is given twice.
     */
    private void raise(String url, String region, long amount, Map<String, Long> inForce) {
      long from = inForce.get(region);
      for (int attempt = 1; ; attempt++) {
        try {
          inForce.put(region, raise(url, from, from + amount));
          return;
        } catch (RegionRedisClients.Unavailable e) {
          if (attempt == 2) {
            inForce.put(region, from + amount);
            LOG.debugf("allowance in region %s not raised: %s", region, e.getMessage());
            return;
          }
        }
      }
    }

    /** Raises a region's allowance from {@code from} to {@code to}; returns the one in force. */
    long raise(String url, long from, long to) throws RegionRedisClients.Unavailable {
      return run(url, "raise", to, from).get(0).toLong();
    }

    private Response run(String url, String how, long amount, long from)
        throws RegionRedisClients.Unavailable {
      var keyNames = List.of(keys.allowances(measure, now), keys.spent(measure, now), keys.held());
      var args =
          List.of(
              measure.field,
              Long.toString(evenShare),
              how,
              Long.toString(amount),
              Long.toString(KEEP_MILLIS),
              Long.toString(from));
      var client = redis.client(url);
      try {
        return RegionRedisClients.await(
            client.send(command(Command.EVALSHA, SCRIPT.arguments(false, keyNames, args))),
            KeyUsageReader.TIMEOUT);
      } catch (RegionRedisClients.Unavailable e) {
        if (!e.getMessage().contains("NOSCRIPT")) {
          throw e;
        }
        return RegionRedisClients.await(
            client.send(command(Command.EVAL, SCRIPT.arguments(true, keyNames, args))),
            KeyUsageReader.TIMEOUT);
      }
    }

    /** The allowance last seen in force, or the even share nobody has moved yet. */
    private long allowance(KeyRegionUsage previous) {
      Long known =
          previous == null
              ? null
              : switch (measure) {
                case USD_PER_DAY ->
                    previous.usdTodayAllowance == null ? null : nano(previous.usdTodayAllowance);
                case USD_PER_MONTH ->
                    previous.usdThisMonthAllowance == null
                        ? null
                        : nano(previous.usdThisMonthAllowance);
                case TOKENS_PER_DAY -> previous.tokensTodayAllowance;
              };
      return known == null ? evenShare : known;
    }
  }

  private static long nano(Double usd) {
    return usd == null ? 0 : Math.round(usd * 1e9);
  }

  private static Request command(Command command, List<String> arguments) {
    Request request = Request.cmd(command);
    arguments.forEach(request::arg);
    return request;
  }
}
