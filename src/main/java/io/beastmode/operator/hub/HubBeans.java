package io.beastmode.operator.hub;

import io.beastmode.operator.fleet.RegionClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The hub's settings from configuration (the chart's hub values), and its Lease keeper. */
public class HubBeans {

  @Produces
  @Singleton
  HubSettings settings(
      @ConfigProperty(name = "beastmode.hub.name") String name,
      @ConfigProperty(name = "beastmode.hub.role") String role,
      @ConfigProperty(name = "beastmode.hub.lease-namespace") String leaseNamespace,
      @ConfigProperty(name = "beastmode.hub.lease-duration") Duration leaseDuration,
      @ConfigProperty(name = "beastmode.hub.record-namespace") String recordNamespace,
      @ConfigProperty(name = "beastmode.hub.auto-promotion.enabled") boolean autoPromotion,
      @ConfigProperty(name = "beastmode.hub.auto-promotion.after") Duration after) {
    if (!role.equals("active") && !role.equals("standby")) {
      throw new IllegalArgumentException(
          "beastmode.hub.role (chart value hub.role) is "
              + role
              + "; it must be active or standby");
    }
    return new HubSettings(
        name,
        role.equals("standby"),
        leaseNamespace,
        leaseDuration,
        recordNamespace,
        autoPromotion,
        after);
  }

  @Produces
  @Singleton
  HubLeases leases(
      KubernetesClient hub,
      RegionClients regions,
      HubSettings settings,
      MeterRegistry registry,
      Clock clock) {
    return new HubLeases(hub, regions, settings, registry, clock);
  }
}
