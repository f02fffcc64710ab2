package io.beastmode.testing;

import io.beastmode.operator.Reconciled;
import io.beastmode.operator.access.ApiKeyReconciler;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.operator.fleet.RouterUsage;
import io.beastmode.operator.hub.HubLeases;
import io.beastmode.operator.hub.HubSettings;
import io.beastmode.operator.hub.HubStartup;
import io.beastmode.operator.hub.StandbyHub;
import io.beastmode.operator.learning.LearnedExamplesReplication;
import io.beastmode.operator.pool.ModelPoolReconciler;
import io.beastmode.operator.recovery.backup.BackupPolicyReconciler;
import io.beastmode.operator.recovery.restore.RestoreRequestReconciler;
import io.beastmode.operator.region.RegionReconciler;
import io.beastmode.operator.router.LLMRouterReconciler;
import io.beastmode.operator.slo.ServiceLevelObjectiveReconciler;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The operator's controllers, registered as the operator role registers them, on a test's hub. */
public final class OperatorUnderTest implements AutoCloseable {
  public static final String ROUTER_IMAGE = "beast-mode:test";

  private Operator operator;
  private RegionClients clients;
  private final Vertx vertx = Vertx.vertx();
  private final RegionRedisClients redis = new RegionRedisClients(vertx);
  private final RouterHeartbeats heartbeats = new RouterHeartbeats(redis);
  private final RouterUsage usage = new RouterUsage(redis);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LearnedExamplesReplication learning = new LearnedExamplesReplication(redis);

  /** The hub operators of most tests: active, its Leases renewed every 2 s. */
  public static final HubSettings ACTIVE_HUB = HubSettings.active("hub", Duration.ofSeconds(10));

  private final HubSettings hubSettings;
  private final String routerImage;
  private final Reconciled reconciled = new Reconciled();
  private HubLeases leases;
  private KubernetesClient operatorClient;
  private Optional<StandbyHub> standby = Optional.empty();

  public OperatorUnderTest(KubernetesClient hub) {
    this(hub, (LeaderElectionConfiguration) null);
  }

  /** A hub operator with these hub settings: an active hub, or a standby until promoted. */
  public OperatorUnderTest(KubernetesClient hub, HubSettings hubSettings) {
    this(hub, null, hubSettings);
  }

  /**
   * With {@code leaderElection} (null: none), this replica reconciles only while it holds the
   * lease.
   */
  private BackupPolicyReconciler backups;

  public OperatorUnderTest(KubernetesClient hub, LeaderElectionConfiguration leaderElection) {
    this(hub, leaderElection, ACTIVE_HUB);
  }

  /**
   * Deploying routers from {@code routerImage}: a real image's reference where a node runs them,
   * where the others' {@link #ROUTER_IMAGE} only names one.
   */
  public OperatorUnderTest(KubernetesClient hub, String routerImage) {
    this(hub, null, ACTIVE_HUB, routerImage);
  }

  private OperatorUnderTest(
      KubernetesClient hub, LeaderElectionConfiguration leaderElection, HubSettings hubSettings) {
    this(hub, leaderElection, hubSettings, ROUTER_IMAGE);
  }

  private OperatorUnderTest(
      KubernetesClient hub,
      LeaderElectionConfiguration leaderElection,
      HubSettings hubSettings,
      String routerImage) {
    this.hubSettings = hubSettings;
    this.routerImage = routerImage;
    for (int attempt = 1; ; attempt++) {
      try {
        start(hub, leaderElection);
        return;
      } catch (OperatorException e) {
        stopOperator();
        if (attempt == 3 || !closedConnection(e)) {
          throw e;
        }
      }
    }
  }

  /**
   * An API server that just started may close a connection a first list was sent on; the operator
   * process would then exit and be restarted, as this one is started again.
   */
  private static boolean closedConnection(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof HttpClosedException) {
        return true;
      }
    }
    return false;
  }

  private void start(KubernetesClient hub, LeaderElectionConfiguration leaderElection) {
    // Its own client (closed on stop), as the operator's process has. The test's client may hold
    // connections idle for minutes (API servers slow to start); Vert.x can hand out one already
    // closed, as an HttpClosedException fabric8 does not retry, and an informer's first list that
    // gets it fails Operator.start.
    var client = new KubernetesClientBuilder().withConfig(hub.getConfiguration()).build();
    this.operatorClient = client;
    this.clients =
        new RegionClients(client, hubSettings.name(), RegionClients.DEFAULT_REQUEST_TIMEOUT);
    this.operator = controllers(client, leaderElection);
    this.leases = new HubLeases(client, clients, hubSettings, registry, Clock.systemUTC());
    var startup =
        new HubStartup(
            client, clients, redis, leases, hubSettings, reconciled, registry, Clock.systemUTC());
    startup.start(() -> startControllers(client, leaderElection));
    this.standby = startup.standby();
  }

  /**
   * A standby starts its controllers when promoted, long after its client was made: a connection
   * the API server closed meanwhile fails the first list, and the operator process would exit and
   * start again (OperatorStartup); here the controllers are made again.
   */
  private void startControllers(
      KubernetesClient client, LeaderElectionConfiguration leaderElection) {
    for (int attempt = 1; ; attempt++) {
      try {
        operator.start();
        return;
      } catch (OperatorException e) {
        stopControllers(operator);
        if (attempt == 3 || !closedConnection(e)) {
          throw e;
        }
        backups.close();
        operator = controllers(client, leaderElection);
      }
    }
  }

  /** The operator's controllers, registered as the operator role registers them. */
  private Operator controllers(
      KubernetesClient client, LeaderElectionConfiguration leaderElection) {
    var operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client).withCloseClientOnStop(false);
              if (leaderElection != null) {
                o.withLeaderElectionConfiguration(leaderElection);
              }
            });
    operator.register(
        new RegionReconciler(clients, heartbeats, redis, registry, Clock.systemUTC()));
    operator.register(new ModelPoolReconciler(Clock.systemUTC()));
    operator.register(new ApiKeyReconciler(clients, redis, Clock.systemUTC()));
    operator.register(
        new LLMRouterReconciler(
            clients,
            heartbeats,
            usage,
            redis,
            registry,
            routerImage,
            learning,
            reconciled,
            Clock.systemUTC()));
    operator.register(
        new ServiceLevelObjectiveReconciler(clients, usage, registry, Clock.systemUTC()));
    this.backups =
        new BackupPolicyReconciler(client, clients, redis, registry, Clock.systemUTC(), "test");
    operator.register(backups);
    operator.register(new RestoreRequestReconciler(client, clients, redis, Clock.systemUTC()));
    return operator;
  }

  /** The standby's follower and promotion; empty for an active hub. */
  public Optional<StandbyHub> standby() {
    return standby;
  }

  public HubLeases leases() {
    return leases;
  }

  @Override
  public void close() {
    stopOperator();
    learning.close();
    redis.close();
    vertx.close();
  }

  private void stopOperator() {
    standby.ifPresent(StandbyHub::close);
    if (leases != null) {
      leases.close();
    }
    if (backups != null) {
      backups.close();
    }
    if (operator != null) {
      stopControllers(operator);
    }
    if (clients != null) {
      clients.close();
    }
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  /**
   * Stops every controller of {@code operator}. {@link Operator#stop()} does nothing unless {@link
   * Operator#start()} finished, so after a start that failed part way the controllers that did
   * start would go on reconciling beside the next attempt's: two writers of the same objects.
   */
  private static void stopControllers(Operator operator) {
    if (operator.getRuntimeInfo().isStarted()) {
      operator.stop();
      return;
    }
    operator.getRegisteredControllers().forEach(controller -> ((Controller<?>) controller).stop());
    operator.getConfigurationService().getExecutorServiceManager().stop(Duration.ZERO);
  }

  /**
   * What the operator's readiness probe reports (quarkus-operator-sdk's health check): started,
   * every informer healthy.
   */
  public boolean ready() {
    return operator.getRuntimeInfo() != null
        && operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  /** The clients the operator keeps for its regions. */
  public RegionClients regionClients() {
    return clients;
  }

  /**
   * What the LLMRouter controller's informers on a member region's cluster hold of {@code kind}:
   * empty when it does not watch that region.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <R extends HasMetadata> List<R> memberCache(Class<R> kind, String region) {
    var controller = (Controller) operator.getRegisteredController("llmrouter").orElseThrow();
    try {
      var source =
          (InformerEventSource<R, ?>)
              controller
                  .getEventSourceManager()
                  .getEventSourceFor(kind, kind.getSimpleName() + "@" + region);
      return source.list().toList();
    } catch (RuntimeException e) {
      return List.of(); // no such event source: the region is not watched
    }
  }

  /** The operator's meters, as Prometheus would scrape them. */
  public SimpleMeterRegistry registry() {
    return registry;
  }
}
