package io.beastmode.operator.fleet;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.CallFailures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Clients for every Region's cluster: the hub's own client for a local Region, and a client built
 * from the kubeconfig Secret for a member, rebuilt when the Secret changes. Credentials are never
 * logged.
 */
@Singleton
public class RegionClients {
  private static final Logger LOG = Logger.getLogger(RegionClients.class);

  private final KubernetesClient hub;
  private final String userAgent;
  private final Map<String, MemberClient> members = new ConcurrentHashMap<>();
  private volatile RegionWriteGate writes = RegionWriteGate.ALWAYS;

  private record MemberClient(String secretVersion, KubernetesClient client) {}

  public RegionClients(KubernetesClient hub) {
    this(hub, "hub");
  }

  /**
   * @param hubName named in the user agent of every call to a member, so a region's audit log tells
   *     which hub wrote
   */
  @Inject
  public RegionClients(
      KubernetesClient hub, @ConfigProperty(name = "beastmode.hub.name") String hubName) {
    this.hub = hub;
    this.userAgent = "beast-mode-operator/" + hubName;
  }

  /** From now on, writes go only to the regions {@code gate} allows (the hub's Leases). */
  public void guardWritesWith(RegionWriteGate gate) {
    this.writes = gate;
  }

  public KubernetesClient hub() {
    return hub;
  }

  /** The region's HubLease condition: whether this hub holds it, and why not. */
  public Optional<io.beastmode.api.v1alpha1.Condition> leaseCondition(String region) {
    return writes.condition(region);
  }

  /** Whether this hub may write to the region now (it holds the region's hub Lease). */
  public boolean mayWrite(String region) {
    return writes.mayWrite(region);
  }

  /** Whether this hub may write to the region's Redis (see {@link RegionWriteGate}). */
  public boolean mayWriteRedis(String region) {
    return writes.mayWriteRedis(region);
  }

  /** Whether a newer hub fenced this one: it writes nothing, to no region and no backup store. */
  public boolean hubFenced() {
    return writes.fenced();
  }

  /**
   * The client to write to a region with: none when the region was already probed Unreachable (it
   * is left alone without reading its Secret or calling it), or when this hub does not hold the
   * region's hub Lease.
   */
  public Optional<KubernetesClient> reachableClient(Region region) {
    if (region.getStatus() != null && region.getStatus().phase == RegionPhase.Unreachable) {
      return Optional.empty();
    }
    if (!writes.mayWrite(region.getMetadata().getName())) {
      return Optional.empty();
    }
    return clientFor(region);
  }

  /** The client for a Region's cluster; empty when its kubeconfig Secret is missing or unusable. */
  public Optional<KubernetesClient> clientFor(Region region) {
    if (region.isLocal()) {
      return Optional.of(hub);
    }
    SecretKeyReference ref = region.getSpec().kubeconfigSecretRef;
    Secret secret;
    try {
      secret = hub.secrets().inNamespace(ref.namespace).withName(ref.name).get();
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "cannot read kubeconfig Secret %s/%s of region %s: %s",
          ref.namespace, ref.name, region.getMetadata().getName(), CallFailures.describe(e));
      return Optional.ofNullable(members.get(region.getMetadata().getName()))
          .map(MemberClient::client);
    }
    if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.key)) {
      forget(region.getMetadata().getName());
      return Optional.empty();
    }
    String version = secret.getMetadata().getResourceVersion();
    var current = members.get(region.getMetadata().getName());
    if (current != null && current.secretVersion().equals(version)) {
      return Optional.of(current.client());
    }
    try {
      String kubeconfig =
          new String(
              Base64.getDecoder().decode(secret.getData().get(ref.key)), StandardCharsets.UTF_8);
      Config config = Config.fromKubeconfig(kubeconfig);
      config.setConnectionTimeout(5_000);
      config.setRequestTimeout(10_000);
      // A region that does not answer is the failover engine's business, not a reason to block in
      // retries.
      config.setRequestRetryBackoffLimit(1);
      config.setUserAgent(userAgent);
      var client = new KubernetesClientBuilder().withConfig(config).build();
      var previous = members.put(region.getMetadata().getName(), new MemberClient(version, client));
      if (previous != null) {
        LOG.infof("kubeconfig of region %s changed; reconnected", region.getMetadata().getName());
        previous.client().close();
      }
      return Optional.of(client);
    } catch (RuntimeException e) {
      LOG.warnf(
          "kubeconfig Secret %s/%s of region %s is not a usable kubeconfig",
          ref.namespace, ref.name, region.getMetadata().getName());
      return Optional.empty();
    }
  }

  public void forget(String regionName) {
    var previous = members.remove(regionName);
    if (previous != null) {
      previous.client().close();
    }
  }

  @PreDestroy
  public void close() {
    members.values().forEach(m -> m.client().close());
    members.clear();
  }
}
