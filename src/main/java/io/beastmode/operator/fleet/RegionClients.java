package io.beastmode.operator.fleet;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.DaemonThreads;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Clients for every Region's cluster: the hub's own client for a local Region, and a client built
 * from the kubeconfig Secret for a member, rebuilt when the Secret changes. Credentials are never
 * logged.
 *
 * <p>Member clients share one Vert.x instance (fabric8 would give each client its own event loops
 * and threads) and one pool of threads for calls made off the reconcilers' threads, so a region
 * costs connections, not threads. Every member call is bounded by a timeout: a member that accepts
 * connections and never answers fails its calls instead of holding them.
 */
@Singleton
public class RegionClients {
  private static final Logger LOG = Logger.getLogger(RegionClients.class);

  private final KubernetesClient hub;
  private final String userAgent;
  private final Map<String, MemberClient> members = new ConcurrentHashMap<>();
  private volatile RegionWriteGate writes = RegionWriteGate.ALWAYS;
  private final List<Consumer<String>> forgetListeners = new CopyOnWriteArrayList<>();

  /** Event loops of every member client; made on the first member client. */
  private Vertx vertx;

  /**
   * Threads for member calls a caller waits on for a bounded time only (probes, forecasts,
   * per-region writes), ended by the calls' timeouts. Probes and forecasts make one call per region
   * in flight; writes at most {@link #WRITES_IN_FLIGHT_PER_REGION} per region ({@link #writesTo}).
   */
  private final ExecutorService calls =
      Executors.newCachedThreadPool(DaemonThreads.named("member-call"));

  private final Map<String, LimitedExecutor> writeQueues = new ConcurrentHashMap<>();

  /** How long a member takes to accept a connection before the call fails. */
  static final int CONNECTION_TIMEOUT_MILLIS = 5_000;

  /**
   * How long a member call may wait for its answer by default. A watch is not bounded by it (its
   * stream stays open); a list, get or apply is. A TLS handshake the member never answers ends
   * after Vert.x's own 10 s, whatever this says.
   */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final Duration requestTimeout;

  private record MemberClient(String secretVersion, KubernetesClient client) {}

  public RegionClients(KubernetesClient hub) {
    this(hub, "hub", DEFAULT_REQUEST_TIMEOUT);
  }

  /**
   * @param hubName named in the user agent of every call to a member, so a region's audit log tells
   *     which hub wrote
   * @param requestTimeout how long a member call waits for its answer before it fails
   */
  @Inject
  public RegionClients(
      KubernetesClient hub,
      @ConfigProperty(name = "beastmode.hub.name") String hubName,
      @ConfigProperty(name = "beastmode.member.request-timeout", defaultValue = "10s")
          Duration requestTimeout) {
    this.hub = hub;
    this.userAgent = "beast-mode-operator/" + hubName;
    this.requestTimeout = requestTimeout;
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
      config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
      config.setRequestTimeout((int) requestTimeout.toMillis());
      // A region that does not answer is the failover engine's business, not a reason to block in
      // retries.
      config.setRequestRetryBackoffLimit(1);
      config.setUserAgent(userAgent);
      var client =
          new KubernetesClientBuilder()
              .withHttpClientFactory(new VertxHttpClientFactory(sharedVertx()))
              .withConfig(config)
              .build();
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

  /**
   * Threads to run member calls on when the caller waits for a bounded time only: a member that
   * hangs then holds one of these, never a reconciler's thread.
   */
  public ExecutorService calls() {
    return calls;
  }

  /** At most this many writes in flight to one member cluster; more wait their turn. */
  public static final int WRITES_IN_FLIGHT_PER_REGION = 8;

  /**
   * The member-call threads, {@link #WRITES_IN_FLIGHT_PER_REGION} at a time for {@code region}: for
   * the writes of routers' objects, which an operator start makes for every router at once. Probes
   * do not queue behind them.
   */
  public Executor writesTo(String region) {
    return writeQueues.computeIfAbsent(
        region, r -> new LimitedExecutor(calls, WRITES_IN_FLIGHT_PER_REGION));
  }

  /** The member regions a client is open for now. */
  public Set<String> connectedRegions() {
    return new TreeSet<>(members.keySet());
  }

  /** Called with a region's name when its client is closed for good (its Region deleted). */
  public void onForget(Consumer<String> listener) {
    forgetListeners.add(listener);
  }

  /** Closes the region's client, and tells those that watch through it. */
  public void forget(String regionName) {
    var previous = members.remove(regionName);
    writeQueues.remove(regionName);
    if (previous != null) {
      forgetListeners.forEach(listener -> listener.accept(regionName));
      previous.client().close();
      LOG.infof("closed the client of region %s", regionName);
    }
  }

  private synchronized Vertx sharedVertx() {
    if (vertx == null) {
      vertx =
          Vertx.vertx(
              new VertxOptions()
                  .setUseDaemonThread(true)
                  // Member calls are I/O: two event loops serve any number of regions.
                  .setEventLoopPoolSize(2)
                  .setWorkerPoolSize(2)
                  // As fabric8 sets up its own: no file cache written to the temporary directory.
                  .setFileSystemOptions(
                      new FileSystemOptions()
                          .setFileCachingEnabled(false)
                          .setClassPathResolvingEnabled(false)));
    }
    return vertx;
  }

  @PreDestroy
  public synchronized void close() {
    members.values().forEach(m -> m.client().close());
    members.clear();
    calls.shutdownNow();
    if (vertx != null) {
      vertx.close();
      vertx = null;
    }
  }
}
