package io.beastmode.operator.recovery;

import io.beastmode.operator.Reconciled;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.hub.HubLeases;
import io.beastmode.operator.hub.HubSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;

/** The operator role's hub: active or standby, as {@link StandbyHub#startHub} decides. */
@Singleton
public class HubStartup {
  private final KubernetesClient client;
  private final RegionClients regions;
  private final RegionRedisClients redis;
  private final HubLeases leases;
  private final HubSettings settings;
  private final Reconciled reconciled;
  private final MeterRegistry registry;
  private final Clock clock;
  private Optional<StandbyHub> standby = Optional.empty();

  HubStartup(
      KubernetesClient client,
      RegionClients regions,
      RegionRedisClients redis,
      HubLeases leases,
      HubSettings settings,
      Reconciled reconciled,
      MeterRegistry registry,
      Clock clock) {
    this.client = client;
    this.regions = regions;
    this.redis = redis;
    this.leases = leases;
    this.settings = settings;
    this.reconciled = reconciled;
    this.registry = registry;
    this.clock = clock;
  }

  public void start(Runnable startControllers) {
    standby =
        StandbyHub.startHub(
            client,
            regions,
            redis,
            leases,
            settings,
            reconciled,
            registry,
            clock,
            startControllers);
  }

  public void stop() {
    standby.ifPresent(StandbyHub::close);
    leases.close();
  }
}
