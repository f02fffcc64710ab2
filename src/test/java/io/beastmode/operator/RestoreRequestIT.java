package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.recovery.store.RegionSecretStore;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.redis.client.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Losing the hub: a snapshot kept in a member region's cluster, the hub's API server replaced by a
 * fresh empty one (and the member's Redis emptied too), then a RestoreRequest on the new hub. The
 * member's routers keep running untouched, and what the routers' SLOs read comes back.
 */
class RestoreRequestIT {
  static final String NS = "team-dr";
  static final String SYSTEM = "beast-mode-system";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String HISTORY_KEY = "beastmode:history:team-dr/chat:member:h:493000";
  static ApiServer memberServer;
  static FakeWorkloadController memberWorkloads;
  static RedisServer memberRedis;
  static String keyValue;

  @BeforeAll
  static void start() {
    memberServer = ApiServer.start();
    memberWorkloads = new FakeWorkloadController(memberServer.client());
    memberRedis = RedisServer.start();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    keyValue = Base64.getEncoder().encodeToString(key);
  }

  @AfterAll
  static void stop() {
    memberWorkloads.close();
    memberServer.stop();
    memberRedis.close();
  }

  @Test
  void aNewHubRestoredFromTheMembersSnapshotTakesOverItsRoutersAsTheyRun() throws Exception {
    var member = memberServer.client();
    String snapshot;
    String deploymentUid;
    Long deploymentGeneration;
    Map<String, String> routingData;
    String keyBefore;
    String keyCreatedAt;
    try (var lost = ApiServer.start().withCrds();
        var operator = new OperatorUnderTest(lost.client())) {
      var hub = lost.client();
      platform(hub);
      hub.resource(pool(NS, "hosted", model("small", 0.15, 0.6, 0.7))).create();
      hub.resource(router(NS, "chat", List.of("hosted"), "member")).create();
      var apiKey = new ApiKey();
      apiKey.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(NS).build());
      apiKey.setSpec(new ApiKeySpec());
      apiKey.getSpec().routers = List.of(new NamedReference("chat"));
      apiKey.getSpec().tenant = "shop";
      hub.resource(apiKey).create();
      await().atMost(WAIT).until(() -> ready(hub));
      redis("HSET", HISTORY_KEY, "requests", "120");
      keyBefore = secretValue(hub, "web-api-key");
      keyCreatedAt =
          hub.resources(ApiKey.class).inNamespace(NS).withName("web").get().getStatus().createdAt;

      var policy = new BackupPolicy();
      policy.setMetadata(
          new ObjectMetaBuilder()
              .withName("nightly")
              .withNamespace(NS)
              .withAnnotations(Map.of(BackupPolicy.BACKUP_NOW_ANNOTATION, "before-the-disaster"))
              .build());
      policy.setSpec(new BackupPolicySpec());
      policy.getSpec().schedule = "@daily";
      policy.getSpec().target = new BackupTarget();
      policy.getSpec().target.region = "member";
      policy.getSpec().encryptionKeySecretRef = new SecretKeyReference("backup-key", null, "key");
      hub.resource(policy).create();
      snapshot =
          await()
              .atMost(WAIT)
              .until(
                  () -> hub.resources(BackupPolicy.class).inNamespace(NS).withName("nightly").get(),
                  p ->
                      p.getStatus() != null
                          && p.getStatus().snapshots != null
                          && !p.getStatus().snapshots.isEmpty())
              .getStatus()
              .snapshots
              .get(0)
              .name;
      var deployment = member.apps().deployments().inNamespace(NS).withName("chat").get();
      deploymentUid = deployment.getMetadata().getUid();
      deploymentGeneration = deployment.getMetadata().getGeneration();
      routingData = member.configMaps().inNamespace(NS).withName("chat-routing").get().getData();
    }
    // The hub is gone, and the region's Redis with it.
    redis("FLUSHALL");

    try (var fresh = ApiServer.start().withCrds();
        var operator = new OperatorUnderTest(fresh.client())) {
      var hub = fresh.client();
      // What an operator recreates by hand: the Region holding the snapshots, its kubeconfig,
      // and the encryption key kept outside the cluster.
      platform(hub);

      hub.resource(restore("wrong-key", "other-key")).create();
      hub.secrets()
          .inNamespace(NS)
          .resource(secret("other-key", Base64.getEncoder().encodeToString(new byte[32])))
          .create();
      var refused = awaitPhase(hub, "wrong-key", RestorePhase.Failed);
      assertThat(refused.getStatus().conditions)
          .anySatisfy(c -> assertThat(c.reason).isEqualTo("SnapshotRejected"));
      assertThat(hub.resources(LLMRouter.class).inNamespace(NS).list().getItems())
          .as("nothing applied")
          .isEmpty();

      // A chunk changed in the store: the restore fails and applies nothing.
      var chunk = member.secrets().inNamespace(NS).withName("snapshot-" + snapshot + "-0");
      var original = new java.util.HashMap<>(chunk.get().getData());
      Fixtures.edit(
          chunk,
          s -> s.getData().put("chunk", Base64.getEncoder().encodeToString("tampered".getBytes())));
      hub.resource(restore("tampered", "backup-key")).create();
      var tampered = awaitPhase(hub, "tampered", RestorePhase.Failed);
      assertThat(tampered.getStatus().conditions)
          .anySatisfy(c -> assertThat(c.reason).isEqualTo("SnapshotMissing"));
      assertThat(hub.resources(LLMRouter.class).inNamespace(NS).list().getItems())
          .as("nothing applied")
          .isEmpty();
      Fixtures.edit(chunk, s -> s.setData(original));

      hub.resource(restore("after-the-disaster", "backup-key")).create();
      var restored = awaitPhase(hub, "after-the-disaster", RestorePhase.Succeeded);

      var status = restored.getStatus();
      assertThat(status.snapshot).isEqualTo(snapshot);
      assertThat(status.restoredObjects).isPositive();
      assertThat(status.adoptedObjects)
          .as("the Region and its kubeconfig made by hand")
          .isEqualTo(2);
      assertThat(status.conflicts).isNull();
      assertThat(status.measuredRtoSeconds).isNotNull().isLessThan(WAIT.toSeconds());
      assertThat(status.measuredRpoSeconds).isNotNull().isGreaterThanOrEqualTo(0);
      // The member's routers were taken over as they ran: not rolled, same configuration.
      var deployment = member.apps().deployments().inNamespace(NS).withName("chat").get();
      assertThat(deployment.getMetadata().getUid()).isEqualTo(deploymentUid);
      assertThat(deployment.getMetadata().getGeneration()).isEqualTo(deploymentGeneration);
      assertThat(member.configMaps().inNamespace(NS).withName("chat-routing").get().getData())
          .isEqualTo(routingData);
      // Keys keep their values; the SLOs' usage history is back in the region's Redis.
      assertThat(secretValue(hub, "web-api-key")).isEqualTo(keyBefore);
      // Status came back with the objects: the key was made when it was, not at the restore.
      assertThat(
              hub.resources(ApiKey.class)
                  .inNamespace(NS)
                  .withName("web")
                  .get()
                  .getStatus()
                  .createdAt)
          .isEqualTo(keyCreatedAt);
      assertThat(redis("HGET", HISTORY_KEY, "requests")).hasToString("120");
      // The restored policy does not write where the lost hub's snapshots are until told to.
      var policy =
          await()
              .atMost(WAIT)
              .until(
                  () -> hub.resources(BackupPolicy.class).inNamespace(NS).withName("nightly").get(),
                  p ->
                      p.getStatus() != null
                          && p.getStatus().conditions.stream()
                              .anyMatch(c -> "TargetOwnedByAnotherCluster".equals(c.reason)));
      assertThat(policy.getMetadata().getAnnotations())
          .doesNotContainKey(BackupPolicy.RESTORING_ANNOTATION);
      assertThat(new RegionSecretStore(member, NS, "member").list())
          .extracting(SnapshotStore.Stored::name)
          .containsExactly(snapshot);
    }
  }

  /** The namespaces, the member Region with its kubeconfig and Redis, and the key Secret. */
  private static void platform(KubernetesClient hub) {
    for (String ns : List.of(NS, SYSTEM)) {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    hub.secrets()
        .inNamespace(SYSTEM)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("member-kubeconfig")
                .endMetadata()
                .withStringData(Map.of("kubeconfig", memberServer.kubeconfig()))
                .build())
        .create();
    Region region = memberRegion("member", 1, SYSTEM, "member-kubeconfig");
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = memberRedis.url();
    hub.resource(region).create();
    hub.secrets().inNamespace(NS).resource(secret("backup-key", keyValue)).create();
  }

  private static io.fabric8.kubernetes.api.model.Secret secret(String name, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withStringData(Map.of("key", value))
        .build();
  }

  private static RestoreRequest restore(String name, String keySecret) {
    var request = new RestoreRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    request.setSpec(new RestoreRequestSpec());
    request.getSpec().source = new BackupTarget();
    request.getSpec().source.region = "member";
    request.getSpec().encryptionKeySecretRef = new SecretKeyReference(keySecret, null, "key");
    return request;
  }

  private static RestoreRequest awaitPhase(KubernetesClient hub, String name, RestorePhase phase) {
    return await()
        .atMost(WAIT)
        .until(
            () -> hub.resources(RestoreRequest.class).inNamespace(NS).withName(name).get(),
            r -> r.getStatus() != null && r.getStatus().phase == phase);
  }

  private static boolean ready(KubernetesClient hub) {
    var router = hub.resources(LLMRouter.class).inNamespace(NS).withName("chat").get();
    return router != null
        && router.getStatus() != null
        && io.beastmode.operator.Conditions.isTrue(
            router.getStatus(), io.beastmode.operator.Conditions.READY);
  }

  private static String secretValue(KubernetesClient hub, String name) {
    return await()
        .atMost(WAIT)
        .until(
            () -> hub.secrets().inNamespace(NS).withName(name).get(),
            s -> s != null && s.getData() != null && s.getData().get(ApiKey.SECRET_KEY) != null)
        .getData()
        .get(ApiKey.SECRET_KEY);
  }

  private static Response redis(String command, String... args) throws Exception {
    try (var redis = RedisCommands.to(memberRedis.url())) {
      return redis.send(command, args);
    }
  }
}
