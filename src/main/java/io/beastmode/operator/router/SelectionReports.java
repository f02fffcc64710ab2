package io.beastmode.operator.router;

import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.RouterSelectionStatus;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.resolved.ResolvedRouter;
import java.time.Duration;

/**
 * Writes into an LLMRouter's status what its routers' heartbeats say of the learned selection, in
 * each region whose Redis can be read; a region whose Redis cannot keeps what it showed before.
 */
final class SelectionReports {
  /** How often a router under the learned policy is looked at again for its figures. */
  static final Duration REFRESH = Duration.ofSeconds(15);

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);

  private final RouterHeartbeats heartbeats;

  SelectionReports(RouterHeartbeats heartbeats) {
    this.heartbeats = heartbeats;
  }

  static boolean reported(ResolvedRouter resolved) {
    return resolved.router().getSpec().selection.policy == SelectionPolicy.learned;
  }

  /** Fills {@code status} (just built) from the heartbeats, {@code previous} where unreadable. */
  void fill(ResolvedRouter resolved, LLMRouterStatus previous, LLMRouterStatus status) {
    if (!reported(resolved)) {
      return;
    }
    String router = resolved.key().toString();
    for (var entry : status.regions) {
      var region =
          resolved.regions().stream()
              .filter(r -> r.getMetadata().getName().equals(entry.name))
              .findFirst();
      if (region.isEmpty() || region.get().getSpec().redis == null) {
        continue;
      }
      entry.selection = read(router, entry.name, region.get().getSpec().redis, previous);
    }
    status.policyInForce = RegionSelection.inForce(status.regions);
  }

  private RouterSelectionStatus read(
      String router,
      String region,
      io.beastmode.api.v1alpha1.RegionRedis redis,
      LLMRouterStatus previous) {
    try {
      return RegionSelection.of(
          heartbeats.read(RedisAddress.of(redis), router, region, READ_TIMEOUT).stream()
              .filter(RouterHeartbeats.Observed::fresh)
              .map(RouterHeartbeats.Observed::beat)
              .toList());
    } catch (RegionRedisClients.Unavailable e) {
      return LLMRouterStatus.region(previous, region).map(r -> r.selection).orElse(null);
    }
  }
}
