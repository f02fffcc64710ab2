package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.S3Target;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.recovery.restore.RestorePoints;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import io.beastmode.operator.recovery.store.RegionSecretStore;
import io.beastmode.operator.recovery.store.S3SnapshotStore;
import io.beastmode.operator.recovery.store.SnapshotStore;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisCommands;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.S3Server;
import io.beastmode.wire.LearnedSelectionKeys;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BackupPolicies against a real API server, a real redis-server and a real S3 server: what a
 * snapshot holds, that only its key opens it, where it is written, retention, and the fence around
 * a target another cluster owns.
 */
class BackupPolicyIT {
  static final String NS = "team-dr";
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String HISTORY_KEY = "beastmode:history:team-dr/chat:local:h:493000";
  static final String LEARNED_KEY = LearnedSelectionKeys.examples(NS + "/chat");
  static ApiServer server;
  static KubernetesClient client;
  static FakeWorkloadController workloads;
  static OperatorUnderTest operator;
  static RedisServer redis;
  static S3Server s3;
  static String keyValue;
  // The server checks no signatures unless told to: any pair of keys will do.
  static final S3Server.Credentials S3_CREDENTIALS =
      new S3Server.Credentials("AKIABACKUPPOLICYIT01", "backup-policy-it-secret");
  static final String S3_BUCKET = "team-dr-snapshots";

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    s3 = S3Server.start();
    server = ApiServer.start().withCrds();
    client = server.client();
    workloads = new FakeWorkloadController(client);
    operator = new OperatorUnderTest(client);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    var local = region("local", 1);
    local.getSpec().redis = new RegionRedis();
    local.getSpec().redis.url = redis.url();
    client.resource(local).create();
    client.resource(pool(NS, "hosted", model("small", 0.15, 0.6, 0.7))).create();
    client.resource(router(NS, "chat", List.of("hosted"), "local")).create();
    var apiKey = new ApiKey();
    apiKey.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(NS).build());
    apiKey.setSpec(new ApiKeySpec());
    apiKey.getSpec().routers = List.of(new NamedReference("chat"));
    apiKey.getSpec().tenant = "shop";
    client.resource(apiKey).create();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    keyValue = Base64.getEncoder().encodeToString(key);
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("backup-key")
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("key", keyValue))
                .build())
        .create();
    // What the region's routers wrote: an hour of usage history.
    try (var redisClient = RedisCommands.to(redis.url())) {
      redisClient.send("HSET", HISTORY_KEY, "requests", "120");
      // and what the learned selection learned: one labelled prompt.
      redisClient.send("XADD", LEARNED_KEY, "*", "e", "0000", "n", "12", "o:small", "1");
    }
    await()
        .atMost(WAIT)
        .until(() -> client.secrets().inNamespace(NS).withName("web-api-key").get() != null);
  }

  @AfterAll
  static void stop() {
    // Whatever started, also when the start failed half way.
    for (AutoCloseable started : new AutoCloseable[] {operator, workloads, server, redis, s3}) {
      if (started != null) {
        try {
          started.close();
        } catch (Exception e) {
          // the others are still closed
        }
      }
    }
  }

  @Test
  void aSnapshotHoldsTheNamespaceItsSecretsAndRouterStateAndOnlyItsKeyOpensIt() throws Exception {
    var policy = policy("in-region", regionTarget());
    requestBackup(policy, "1");

    var status = awaitSnapshots("in-region", 1);
    var record = status.snapshots.get(0);
    assertThat(record.objects).isPositive();
    assertThat(status.measuredRpoSeconds).isBetween(0L, 30L);
    assertThat(status.conditions)
        .anySatisfy(c -> assertThat(c.message).startsWith("last " + record.name + "; next at "));
    // In Secrets of the same namespace of the target region's cluster (here the hub's own).
    byte[] sealed = new RegionSecretStore(client, NS, "local").get(record.name);
    Snapshot snapshot = SnapshotSeal.open(sealed, SnapshotKey.fromSecretData(encoded(keyValue)));
    assertThat(snapshot.objects())
        .extracting(o -> o.kind() + "/" + o.name())
        .contains(
            "LLMRouter/chat",
            "ModelPool/hosted",
            "ApiKey/web",
            "BackupPolicy/in-region",
            "Region/local",
            "Secret/web-api-key")
        .doesNotContain("Secret/backup-key");
    assertThat(snapshot.redisEntries())
        .extracting(Snapshot.RedisEntry::key)
        .contains(HISTORY_KEY, LEARNED_KEY);
    byte[] otherKey = new byte[32];
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> SnapshotSeal.open(sealed, SnapshotKey.fromValue(otherKey))))
        .hasMessageContaining("key");
  }

  @Test
  void snapshotsGoToAnS3BucketAndRetentionKeepsTheNewest() throws Exception {
    var target = s3Target("hub");
    var policy = policy("to-s3", target);
    policy.getSpec().retention.keepLast = 2;
    client.resource(policy).create();

    for (int i = 1; i <= 3; i++) {
      Thread.sleep(1100); // snapshot names have whole seconds
      requestBackup(
          client.resources(BackupPolicy.class).inNamespace(NS).withName("to-s3").get(),
          Integer.toString(i));
      int taken = i;
      await()
          .atMost(WAIT)
          .until(
              () -> client.resources(BackupPolicy.class).inNamespace(NS).withName("to-s3").get(),
              p ->
                  p.getStatus() != null
                      && Integer.toString(taken).equals(p.getStatus().lastBackupRequest));
    }

    var status =
        client.resources(BackupPolicy.class).inNamespace(NS).withName("to-s3").get().getStatus();
    assertThat(status.snapshots).hasSize(2);
    try (var store = s3Store(target)) {
      assertThat(store.list())
          .extracting(SnapshotStore.Stored::name)
          .containsExactly(status.snapshots.get(0).name, status.snapshots.get(1).name);
      assertThat(store.owner()).isEqualTo(status.cluster);
    }
  }

  @Test
  void aTargetAnotherClusterOwnsIsNotWrittenUntilThePolicyTakesItOver() throws Exception {
    var foreign = new RegionSecretStore(client, NS, "local");
    var policy = policy("fenced", regionTarget());
    client.resource(policy).create();
    awaitReason("fenced", "Scheduled");
    foreign.claim("a-cluster-that-was-lost");
    int before = foreign.list().size();

    requestBackup(
        client.resources(BackupPolicy.class).inNamespace(NS).withName("fenced").get(), "1");

    awaitReason("fenced", "TargetOwnedByAnotherCluster");
    assertThat(foreign.list()).hasSize(before);
    Fixtures.edit(
        client.resources(BackupPolicy.class).inNamespace(NS).withName("fenced"),
        p ->
            p.getMetadata().getAnnotations().put(BackupPolicy.TAKE_OVER_TARGET_ANNOTATION, "true"));
    awaitReason("fenced", "Scheduled");
    assertThat(foreign.owner()).isNotEqualTo("a-cluster-that-was-lost");
    assertThat(foreign.list()).hasSize(before + 1);
  }

  @Test
  void aDrillRestoresTheNewestSnapshotIntoItsScratchNamespaceDeploysNothingAndCleansUp()
      throws Exception {
    var policy = policy("drilled", regionTarget());
    policy.getSpec().drill.enabled = true;
    policy.getSpec().drill.schedule = "@weekly";
    policy.getSpec().drill.scratchNamespace = "team-dr-drill";
    requestBackup(policy, "1");
    var snapshot = awaitSnapshots("drilled", 1).snapshots.get(0);

    Fixtures.edit(
        client.resources(BackupPolicy.class).inNamespace(NS).withName("drilled"),
        p -> p.getMetadata().getAnnotations().put(BackupPolicy.DRILL_NOW_ANNOTATION, "1"));

    var drill = awaitDrill("drilled", "1");
    assertThat(drill.succeeded).as(drill.message).isTrue();
    assertThat(drill.snapshot).isEqualTo(snapshot.name);
    assertThat(drill.objects).as("every namespaced object of it").isEqualTo(snapshot.objects - 1);
    assertThat(drill.rtoSeconds).isNotNull();
    assertThat(client.resources(LLMRouter.class).inNamespace("team-dr-drill").list().getItems())
        .as("emptied")
        .isEmpty();
    assertThat(client.apps().deployments().inNamespace("team-dr-drill").list().getItems())
        .as("nothing deployed from the drill")
        .isEmpty();

    // A snapshot that no longer opens fails the drill, and the policy says so.
    new RegionSecretStore(client, NS, "local").put(snapshot.name, new byte[] {1, 2, 3});
    Fixtures.edit(
        client.resources(BackupPolicy.class).inNamespace(NS).withName("drilled"),
        p -> p.getMetadata().getAnnotations().put(BackupPolicy.DRILL_NOW_ANNOTATION, "2"));
    var failed = awaitDrill("drilled", "2");
    assertThat(failed.succeeded).isFalse();
    assertThat(failed.message).contains("does not open");
    awaitReason("drilled", "DrillFailed");
  }

  @Test
  void continuousModeWritesEachChangeOnTopOfTheNewestSnapshot() throws Exception {
    client.resource(pool(NS, "doomed", model("tiny", 0.05, 0.1, 0.4))).create();
    var target = s3Target("continuous");
    var policy = policy("live", target);
    policy.getSpec().continuous.enabled = true;
    policy.getSpec().continuous.intervalSeconds = 1;
    client.resource(policy).create();
    // Continuous mode starts from a whole snapshot of its own.
    String base = awaitSnapshots("live", 1).snapshots.get(0).name;
    var key = SnapshotKey.fromSecretData(encoded(keyValue));

    client.resource(pool(NS, "added", model("medium", 0.5, 1.5, 0.8))).create();
    client.resources(ModelPool.class).inNamespace(NS).withName("doomed").delete();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (var store = s3Store(target)) {
                var latest = RestorePoints.latest(store, "live", key);
                assertThat(latest.name()).startsWith(base + "-c");
                assertThat(latest.snapshot().objects())
                    .extracting(o -> o.kind() + "/" + o.name())
                    .contains("ModelPool/added", "ModelPool/hosted", "LLMRouter/chat")
                    .doesNotContain("ModelPool/doomed");
              }
            });

    // A later change replaces the change set: a restore needs the base and one change set.
    client.resource(pool(NS, "later", model("large", 2, 6, 0.9))).create();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              try (var store = s3Store(target)) {
                var names = store.list().stream().map(SnapshotStore.Stored::name).toList();
                assertThat(names).filteredOn(n -> n.startsWith(base + "-c")).hasSize(1);
                var latest = RestorePoints.latest(store, "live", key);
                assertThat(latest.snapshot().objects())
                    .extracting(o -> o.kind() + "/" + o.name())
                    .contains("ModelPool/added", "ModelPool/later")
                    .doesNotContain("ModelPool/doomed");
                // The base's router state comes with it: a change set holds none of its own.
                assertThat(latest.snapshot().redisEntries())
                    .extracting(Snapshot.RedisEntry::key)
                    .contains(HISTORY_KEY);
              }
            });
    var status =
        client.resources(BackupPolicy.class).inNamespace(NS).withName("live").get().getStatus();
    assertThat(status.continuous.baseSnapshot).isEqualTo(base);
    Fixtures.edit(
        client.resources(BackupPolicy.class).inNamespace(NS).withName("live"),
        p -> p.getSpec().continuous.enabled = false);
  }

  private static io.beastmode.api.v1alpha1.DrillRecord awaitDrill(String name, String request) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get(),
            p ->
                p.getStatus() != null
                    && p.getStatus().lastDrill != null
                    && request.equals(p.getStatus().lastDrill.request))
        .getStatus()
        .lastDrill;
  }

  private static BackupPolicy policy(String name, BackupTarget target) {
    var policy = new BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    policy.setSpec(new BackupPolicySpec());
    policy.getSpec().schedule = "@daily";
    policy.getSpec().target = target;
    policy.getSpec().encryptionKeySecretRef = new SecretKeyReference("backup-key", null, "key");
    return policy;
  }

  /** A bucket of the S3 server, and the Secret with its credentials. */
  private static BackupTarget s3Target(String prefix) {
    if (client.secrets().inNamespace(NS).withName("snapshot-store").get() == null) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("snapshot-store")
                  .withNamespace(NS)
                  .endMetadata()
                  .withStringData(
                      Map.of(
                          "accessKeyId", S3_CREDENTIALS.accessKeyId(),
                          "secretAccessKey", S3_CREDENTIALS.secretAccessKey()))
                  .build())
          .create();
      createBucket(S3_BUCKET);
    }
    var target = new BackupTarget();
    target.s3 = new S3Target();
    target.s3.endpoint = s3.endpoint();
    target.s3.bucket = S3_BUCKET;
    target.s3.prefix = prefix;
    target.s3.credentialsSecretRef = new NamedReference("snapshot-store");
    return target;
  }

  private static S3SnapshotStore s3Store(BackupTarget target) {
    return S3SnapshotStore.of(
        target.s3, S3_CREDENTIALS.accessKeyId(), S3_CREDENTIALS.secretAccessKey());
  }

  private static BackupTarget regionTarget() {
    var target = new BackupTarget();
    target.region = "local";
    return target;
  }

  private static void requestBackup(BackupPolicy policy, String value) {
    if (policy.getMetadata().getResourceVersion() == null) {
      policy.getMetadata().setAnnotations(Map.of(BackupPolicy.BACKUP_NOW_ANNOTATION, value));
      client.resource(policy).create();
      return;
    }
    Fixtures.edit(
        client
            .resources(BackupPolicy.class)
            .inNamespace(NS)
            .withName(policy.getMetadata().getName()),
        p -> {
          var annotations =
              new java.util.HashMap<>(
                  p.getMetadata().getAnnotations() == null
                      ? Map.of()
                      : p.getMetadata().getAnnotations());
          annotations.put(BackupPolicy.BACKUP_NOW_ANNOTATION, value);
          p.getMetadata().setAnnotations(annotations);
        });
  }

  private static io.beastmode.api.v1alpha1.BackupPolicyStatus awaitSnapshots(
      String name, int count) {
    return await()
        .atMost(WAIT)
        .until(
            () -> client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get(),
            p ->
                p.getStatus() != null
                    && p.getStatus().snapshots != null
                    && p.getStatus().snapshots.size() >= count)
        .getStatus();
  }

  private static void awaitReason(String name, String reason) {
    await()
        .atMost(WAIT)
        .until(
            () -> client.resources(BackupPolicy.class).inNamespace(NS).withName(name).get(),
            p ->
                p.getStatus() != null
                    && p.getStatus().conditions.stream().anyMatch(c -> reason.equals(c.reason)));
  }

  private static void createBucket(String bucket) {
    var credentials = S3_CREDENTIALS;
    try (var s3Client =
        software.amazon.awssdk.services.s3.S3Client.builder()
            .endpointOverride(java.net.URI.create(s3.endpoint()))
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        credentials.accessKeyId(), credentials.secretAccessKey())))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      s3Client.createBucket(b -> b.bucket(bucket));
    }
  }

  private static String encoded(String value) {
    return Base64.getEncoder()
        .encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
