package io.beastmode.operator.hub;

import io.beastmode.operator.Reconciled;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Starts this hub as its record and settings say: active (its Leases, then its controllers), fenced
 * (controllers that write to no region), or standby (following until promoted). A fenced hub
 * installed again as a standby follows again.
 */
@Singleton
public class HubStartup {
  private static final Logger LOG = Logger.getLogger(HubStartup.class);
  private final KubernetesClient client;
  private final RegionClients regions;
  private final RegionRedisClients redis;
  private final HubLeases leases;
  private final HubSettings settings;
  private final Reconciled reconciled;
  private final MeterRegistry registry;
  private final Clock clock;
  private Optional<StandbyHub> standby = Optional.empty();

  public HubStartup(
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
    var record = HubRecord.read(client, settings.recordNamespace());
    if (settings.standby() && record.fencedBy() != null) {
      record = record.demoted();
      record.write(client, settings.recordNamespace());
    }
    if (record.active(settings.standby()) || record.fencedBy() != null) {
      leases.start(record);
      startControllers.run();
      return;
    }
    LOG.infof("hub %s starts as a standby", settings.name());
    var follower =
        new StandbyHub(
            client,
            regions,
            redis,
            leases,
            settings,
            reconciled,
            registry,
            clock,
            startControllers);
    follower.start();
    standby = Optional.of(follower);
  }

  /** The standby's follower and promotion; empty for an active hub. */
  public Optional<StandbyHub> standby() {
    return standby;
  }

  public void stop() {
    standby.ifPresent(StandbyHub::close);
    leases.close();
  }
}
