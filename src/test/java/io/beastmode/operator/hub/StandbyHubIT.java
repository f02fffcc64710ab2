package io.beastmode.operator.hub;

import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.RestoreMode;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.OperatorMeters;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.AuditLog;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.S3Server;
import io.beastmode.testing.SimulatedRouters;
import io.beastmode.testing.TcpProxy;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.TrafficConfig;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Losing the hub, on real API servers: hub A (its control plane only), region west (whose cluster
 * also runs standby hub B) and region east. Backups go continuously to a real S3 server; the
 * members' API servers keep audit logs, so "writes nothing" is read from what they recorded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyHubIT {
  static final String NS = "chat-team";
  static final String SYSTEM = "beast-mode-system";
  static final Duration LEASE = Duration.ofSeconds(4);
  static final Duration WAIT = Duration.ofSeconds(60);
  static final HubSettings HUB_A = HubSettings.active("hub-a", LEASE);
  static final HubSettings HUB_B = HubSettings.active("hub-b", LEASE);
  static final List<String> REGIONS = List.of("west", "east");
  static final Set<String> WRITES = Set.of("create", "update", "patch", "delete");
  @TempDir static Path work;
  static final Running started = new Running();
  static final Map<String, ApiServer> regions = new LinkedHashMap<>();
  static final Map<String, TcpProxy> paths = new HashMap<>();
  static ApiServer hubA;
  static RedisServer redis;
  static S3Server s3;
  static SimulatedRouters routers;
  static OperatorUnderTest operatorA;
  static OperatorUnderTest operatorB;

  @BeforeAll
  static void start() throws Exception {
    try {
      redis = started(RedisServer.start());
      s3 = started(S3Server.start());
      routers = started(new SimulatedRouters(redis.port()));
      hubA = started(ApiServer.start().withCrds());
      Path policy =
          Files.writeString(work.resolve("audit-policy.yaml"), ApiServer.AUDIT_EVERY_REQUEST);
      for (String name : REGIONS) {
        var server =
            started(
                ApiServer.start(
                        Map.of(
                            "--audit-policy-file",
                            policy.toString(),
                            "--audit-log-path",
                            auditLog(name).toString()))
                    .withCrds());
        regions.put(name, server);
        started(new FakeWorkloadController(server.client()));
        paths.put(
            name,
            started(
                new TcpProxy(
                    URI.create(server.client().getConfiguration().getMasterUrl()).getPort())));
      }
      s3.createBucket("hub-snapshots");
      // The hub's platform, and what the standby needs to read its backups: the same key, the
      // same store credentials and the same BackupPolicy, applied to both hubs' clusters.
      Fixtures.sharedContinuousBackup(
          List.of(hubA.client(), client("west")), NS, s3.endpoint(), "hub-snapshots", null);
      for (var cluster : List.of(hubA.client(), client("west"))) {
        Fixtures.namespaces(cluster, SYSTEM);
      }
      var hub = hubA.client();
      for (String name : REGIONS) {
        Fixtures.namespaces(client(name), NS);
        String kubeconfig = paths.get(name).rewrite(regions.get(name).kubeconfig());
        hub.resource(
                Fixtures.secret(SYSTEM, name + "-kubeconfig", Map.of("kubeconfig", kubeconfig)))
            .create();
        var region = memberRegion(name, 1, SYSTEM, name + "-kubeconfig");
        region.getSpec().redis = new RegionRedis();
        region.getSpec().redis.url = redis.url();
        region.getSpec().routerEndpoint = "http://router." + name + ".example:8080";
        hub.resource(region).create();
      }
      hub.resource(pool(NS, "hosted", model("small", 0.15, 0.6, 0.7))).create();
      hub.resource(router(NS, "chat", List.of("hosted"), "west", "east")).create();
      for (String name : REGIONS) {
        routers.start(NS + "/chat", name, 2, client(name));
      }
      operatorA = new OperatorUnderTest(hub, HUB_A);
      operatorB = new OperatorUnderTest(client("west"), HUB_B.asStandby(false, LEASE));
    } catch (RuntimeException | IOException e) {
      stop();
      throw e;
    }
  }

  @AfterAll
  static void stop() {
    for (var closeable : new AutoCloseable[] {operatorA, operatorB}) {
      close(closeable);
    }
    started.close();
  }

  @Test
  @Order(1)
  void theStandbyKeepsTheNewestStateWarmAndWritesToNoRegion() {
    for (String name : REGIONS) {
      await().atMost(WAIT).until(() -> deployment(name) != null);
      await().atMost(WAIT).until(() -> lease(name) != null);
      assertThat(lease(name).getSpec().getHolderIdentity()).isEqualTo("hub-a");
      assertThat(epoch(lease(name))).isEqualTo(1);
    }
    // Both regions take their share before the hub is lost.
    awaitEveryRegionActive(hubA.client());
    for (String name : REGIONS) {
      await().atMost(WAIT).until(() -> peerWeights(name).values().stream().allMatch(w -> w > 0));
    }
    // A change on the hub reaches the standby's copy through the continuous backups.
    Fixtures.edit(
        hubA.client().resources(LLMRouter.class).inNamespace(NS).withName("chat"),
        r -> r.getSpec().cache.ttlSeconds = 600);
    await()
        .atMost(WAIT)
        .until(
            () -> client("west").resources(LLMRouter.class).inNamespace(NS).withName("chat").get(),
            r -> r != null && r.getSpec().cache.ttlSeconds == 600);
    // The hub's decisions in status reach the standby too: its copy knows each region's stage.
    awaitEveryRegionActive(client("west"));
    assertThat(client("west").resources(Region.class).list().getItems())
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(REGIONS);
    assertThat(
            client("west")
                .configMaps()
                .inNamespace("default")
                .withName("beastmode-hub-standby")
                .get()
                .getData())
        .containsKey("appliedRestorePoint");
    assertThat(writesBy("east", "hub-b", Instant.EPOCH)).isEmpty();
    assertThat(lease("east").getSpec().getHolderIdentity()).isEqualTo("hub-a");
  }

  @Test
  @Order(2)
  void aPromotedStandbyTakesOverWithoutMovingTrafficOrRollingRouters() {
    Map<String, String> deployments = new HashMap<>();
    Map<String, String> traffic = new HashMap<>();
    for (String name : REGIONS) {
      deployments.put(name, template(deployment(name)));
      traffic.put(name, trafficFile(name));
    }
    // The hub's control plane is lost: its operator stops and nothing renews its Leases.
    operatorA.close();
    operatorA = null;
    var request = promote("promote-b", false);
    var status = awaitPromotion(request).getStatus();
    var promotion = status.promotion;
    assertThat(promotion.epoch).isEqualTo(2);
    assertThat(promotion.previousHub).isEqualTo("hub-a (epoch 1)");
    assertThat(
            List.of(
                promotion.detectedTime,
                promotion.decidedTime,
                promotion.fencedTime,
                promotion.restoredTime,
                promotion.reconcilingTime))
        .doesNotContainNull()
        .isSorted();
    assertThat(promotion.promotionSeconds).isNotNull();
    for (String name : REGIONS) {
      assertThat(lease(name).getSpec().getHolderIdentity()).isEqualTo("hub-b");
      assertThat(epoch(lease(name))).isEqualTo(2);
      assertThat(template(deployment(name))).isEqualTo(deployments.get(name));
      assertThat(trafficFile(name)).isEqualTo(traffic.get(name));
    }
    // An edit on the new hub reaches the members.
    Fixtures.edit(
        client("west").resources(LLMRouter.class).inNamespace(NS).withName("chat"),
        r -> r.getSpec().cache.ttlSeconds = 900);
    for (String name : REGIONS) {
      await().atMost(WAIT).until(() -> routingFile(name).contains("900"));
    }
  }

  @Test
  @Order(3)
  void aRegionOutageAfterThePromotionFailsOverAsBefore() {
    paths.get("east").cut();
    routers.stop("east");
    try {
      await().atMost(WAIT).until(() -> peerWeights("west").getOrDefault("east", 0) == 0);
    } finally {
      paths.get("east").restore();
      routers.start(NS + "/chat", "east", 2, client("east"));
    }
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> peerWeights("west").getOrDefault("east", 0) > 0);
  }

  @Test
  @Order(4)
  void theOldHubComingBackIsFencedAndWritesNothing() {
    Instant back = Instant.now();
    operatorA = new OperatorUnderTest(hubA.client(), HUB_A);
    // Something it would write if it could: its own copy of the router, changed.
    Fixtures.edit(
        hubA.client().resources(LLMRouter.class).inNamespace(NS).withName("chat"),
        r -> r.getSpec().cache.ttlSeconds = 60);
    await()
        .atMost(WAIT)
        .until(
            () -> hubA.client().resources(Region.class).withName("east").get(),
            r ->
                r.getStatus() != null
                    && r.getStatus().conditions.stream()
                        .anyMatch(c -> c.type.equals("HubLease") && c.reason.equals("Fenced")));
    assertThat(operatorA.leases().fenced()).isTrue();
    assertThat(gauge(operatorA, OperatorMeters.HUB_FENCED)).isEqualTo(1.0);
    assertThat(
            hubA.client()
                .configMaps()
                .inNamespace("default")
                .withName("beastmode-hub")
                .get()
                .getData())
        .containsEntry("fencedBy", "hub-b (epoch 2)");
    await()
        .atMost(WAIT)
        .until(
            () ->
                hubA.client().v1().events().inAnyNamespace().list().getItems().stream()
                    .anyMatch(e -> e.getReason().equals("HubFenced")));
    sleep(Duration.ofSeconds(6));
    for (String name : REGIONS) {
      assertThat(writesBy(name, "hub-a", back)).as("writes by the old hub to " + name).isEmpty();
      assertThat(routingFile(name)).contains("900").doesNotContain("ttlSeconds: 60\n");
    }
  }

  @Test
  @Order(5)
  void aSecondPromotionTakesAStillHigherEpoch() {
    // The fenced hub, installed again as a standby, follows the new hub's backups.
    operatorA.close();
    operatorA = new OperatorUnderTest(hubA.client(), HUB_A.asStandby(false, LEASE));
    await()
        .atMost(WAIT)
        .until(
            () -> hubA.client().resources(LLMRouter.class).inNamespace(NS).withName("chat").get(),
            r -> r.getSpec().cache.ttlSeconds == 900);
    operatorB.close();
    operatorB = null;
    var request = new RestoreRequest();
    request.setMetadata(new ObjectMetaBuilder().withName("promote-a").withNamespace(NS).build());
    request.setSpec(new RestoreRequestSpec());
    request.getSpec().mode = RestoreMode.PromoteStandby;
    request.getSpec().standbyRegion = "hub-a";
    request.getSpec().oldHubGone = true;
    hubA.client().resource(request).create();
    var promoted =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    hubA.client()
                        .resources(RestoreRequest.class)
                        .inNamespace(NS)
                        .withName("promote-a")
                        .get(),
                r -> r.getStatus() != null && r.getStatus().phase == RestorePhase.Succeeded);
    assertThat(promoted.getStatus().promotion.epoch).isEqualTo(3);
    for (String name : REGIONS) {
      assertThat(lease(name).getSpec().getHolderIdentity()).isEqualTo("hub-a");
      assertThat(epoch(lease(name))).isEqualTo(3);
    }
  }

  @Test
  @Order(6)
  void automaticPromotionNeedsAMajorityOfRegions() {
    // B was promoted, then stopped while A took over: started again, it is fenced at once.
    operatorB = new OperatorUnderTest(client("west"), HUB_B);
    assertThat(operatorB.leases().fenced()).isTrue();
    operatorB.close();
    // Installed again as a standby that may promote itself, it follows hub A.
    operatorB = new OperatorUnderTest(client("west"), HUB_B.asStandby(true, Duration.ofSeconds(2)));
    await()
        .atMost(WAIT)
        .until(
            () ->
                client("west")
                        .configMaps()
                        .inNamespace("default")
                        .withName("beastmode-hub-standby")
                        .get()
                    != null);
    // Hub A is lost while the standby is cut off from east: it sees one region of two lose the
    // hub, not a majority, and stays a standby.
    paths.get("east").cut();
    operatorA.close();
    operatorA = null;
    sleep(LEASE.plus(Duration.ofSeconds(2)).multipliedBy(2));
    assertThat(automaticPromotions()).isEmpty();
    assertThat(epoch(lease("west"))).isEqualTo(3);
    // With east back, both regions show the hub's Leases expired: it promotes itself.
    paths.get("east").restore();
    var promoted =
        await()
            .atMost(WAIT)
            .until(
                StandbyHubIT::automaticPromotions,
                found ->
                    found.size() == 1
                        && found.get(0).getStatus() != null
                        && found.get(0).getStatus().phase == RestorePhase.Succeeded)
            .get(0);
    assertThat(promoted.getStatus().promotion.automatic).isTrue();
    assertThat(promoted.getStatus().promotion.epoch).isEqualTo(4);
    for (String name : REGIONS) {
      assertThat(lease(name).getSpec().getHolderIdentity()).isEqualTo("hub-b");
      assertThat(epoch(lease(name))).isEqualTo(4);
    }
  }

  private static List<RestoreRequest> automaticPromotions() {
    return client("west")
        .resources(RestoreRequest.class)
        .inAnyNamespace()
        .list()
        .getItems()
        .stream()
        .filter(r -> r.getMetadata().getName().startsWith("automatic-promotion-"))
        .toList();
  }

  /** The router's status in {@code hub}'s cluster shows both regions taking their share. */
  private static void awaitEveryRegionActive(KubernetesClient hub) {
    await()
        .atMost(WAIT)
        .until(
            () -> hub.resources(LLMRouter.class).inNamespace(NS).withName("chat").get(),
            r ->
                r != null
                    && r.getStatus() != null
                    && r.getStatus().regions != null
                    && r.getStatus().regions.size() == 2
                    && r.getStatus().regions.stream()
                        .allMatch(e -> e.trafficStage == TrafficStage.Active));
  }

  private static RestoreRequest promote(String name, boolean oldHubGone) {
    var request = new RestoreRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    request.setSpec(new RestoreRequestSpec());
    request.getSpec().mode = RestoreMode.PromoteStandby;
    request.getSpec().standbyRegion = "west";
    request.getSpec().oldHubGone = oldHubGone;
    return client("west").resource(request).create();
  }

  private static RestoreRequest awaitPromotion(RestoreRequest request) {
    return await()
        .atMost(WAIT)
        .until(
            () ->
                client("west")
                    .resources(RestoreRequest.class)
                    .inNamespace(NS)
                    .withName(request.getMetadata().getName())
                    .get(),
            r ->
                r.getStatus() != null
                    && (r.getStatus().phase == RestorePhase.Succeeded
                        || r.getStatus().phase == RestorePhase.Failed));
  }

  /** The writes the region's API server recorded from {@code hub} since {@code since}. */
  static List<String> writesBy(String region, String hub, Instant since) {
    return AuditLog.events(auditLog(region)).stream()
        .filter(e -> e.path("userAgent").asText().equals("beast-mode-operator/" + hub))
        .filter(e -> WRITES.contains(e.path("verb").asText()))
        .filter(e -> !Instant.parse(e.path("requestReceivedTimestamp").asText()).isBefore(since))
        .map(StandbyHubIT::describe)
        .toList();
  }

  private static String describe(JsonNode event) {
    var ref = event.path("objectRef");
    return event.path("verb").asText()
        + " "
        + ref.path("resource").asText()
        + " "
        + ref.path("namespace").asText()
        + "/"
        + ref.path("name").asText();
  }

  static Path auditLog(String region) {
    return work.resolve(region + "-audit.log");
  }

  static KubernetesClient client(String region) {
    return regions.get(region).client();
  }

  static Deployment deployment(String region) {
    return client(region).apps().deployments().inNamespace(NS).withName("chat").get();
  }

  static String template(Deployment deployment) {
    return deployment.getMetadata().getGeneration()
        + " "
        + deployment.getSpec().getTemplate().getMetadata().getAnnotations();
  }

  static String trafficFile(String region) {
    return routingConfigMap(region).getData().get(RoutingConfigMap.TRAFFIC_KEY);
  }

  static String routingFile(String region) {
    return routingConfigMap(region).getData().get(RoutingConfigMap.ROUTING_KEY);
  }

  static io.fabric8.kubernetes.api.model.ConfigMap routingConfigMap(String region) {
    return client(region)
        .configMaps()
        .inNamespace(NS)
        .withName(RoutingConfigMap.name("chat"))
        .get();
  }

  static Map<String, Integer> peerWeights(String region) {
    var weights = new HashMap<String, Integer>();
    try {
      ConfigYaml.read(trafficFile(region), TrafficConfig.class)
          .peers()
          .forEach(p -> weights.put(p.region(), p.weight()));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return weights;
  }

  static Lease lease(String region) {
    return client(region).leases().inNamespace("kube-system").withName("beastmode-hub").get();
  }

  static long epoch(Lease lease) {
    return Long.parseLong(lease.getMetadata().getAnnotations().get("beastmode.io/hub-epoch"));
  }

  static double gauge(OperatorUnderTest operator, OperatorMeters.Declared declared) {
    return operator.registry().find(declared.name()).gauge().value();
  }

  static <T extends AutoCloseable> T started(T closeable) {
    return started.add(closeable);
  }

  static void close(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      // the others are still closed
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
