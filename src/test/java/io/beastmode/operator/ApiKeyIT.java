package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.KeyBudget;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.RedisServer;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Digests;
import io.beastmode.wire.KeyUse;
import io.beastmode.wire.QuotaKeys;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ApiKeys against a real API server: values in Secrets, hashes in the routers' keys files. */
class ApiKeyIT {
  static final String NS = "team-keys";
  static final Duration WAIT = Duration.ofSeconds(30);
  static ApiServer server;
  static KubernetesClient client;
  static FakeWorkloadController workloads;
  static OperatorUnderTest operator;
  static RedisServer redis;
  static RedisServer eastRedis;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    eastRedis = RedisServer.start();
    vertx = Vertx.vertx();
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
  }

  @AfterAll
  static void stop() {
    operator.close();
    workloads.close();
    server.stop();
    vertx.close();
    redis.close();
    eastRedis.close();
  }

  @Test
  void statusShowsWhenTheKeyWasLastUsedAndWhatItSpentInEachRegion() throws Exception {
    var key = key("metered", "billing", List.of());
    key.getSpec().budget = new KeyBudget();
    key.getSpec().budget.usdPerDay = 10.0;
    client.resource(key).create();
    awaitValue("metered");

    // What the region's routers write: the heartbeat's last use, the ledger's settled spend.
    Instant usedAt = Instant.parse("2026-11-27T09:30:00.250Z");
    var quota = QuotaKeys.of("billing", NS + "/metered", false);
    var redisClient = Redis.createClient(vertx, redis.url());
    redisClient
        .batch(
            List.of(
                Request.cmd(Command.HSET)
                    .arg(KeyUse.KEY)
                    .arg(NS + "/metered")
                    .arg(usedAt.toEpochMilli()),
                Request.cmd(Command.SET).arg(quota.usdOnDay(Instant.now())).arg(1_500_000_000L),
                Request.cmd(Command.SET).arg(quota.usdInMonth(Instant.now())).arg(4_250_000_000L)))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    redisClient.close();
    // The next periodic refresh picks it up; an edit wakes the key at once.
    Fixtures.edit(
        client.resources(ApiKey.class).inNamespace(NS).withName("metered"),
        k -> k.getSpec().budget.usdPerDay = 11.0);

    var status =
        await()
            .atMost(WAIT)
            .until(
                () -> client.resources(ApiKey.class).inNamespace(NS).withName("metered").get(),
                k -> k.getStatus() != null && k.getStatus().lastUsedAt != null)
            .getStatus();
    assertThat(status.lastUsedAt).isEqualTo("2026-11-27T09:30:00.250Z");
    assertThat(status.usage).hasSize(1);
    var local = status.usage.get(0);
    assertThat(local.region).isEqualTo("local");
    assertThat(local.usdToday).isEqualTo(1.5);
    assertThat(local.usdThisMonth).isEqualTo(4.25);
  }

  @Test
  void aKeysValueIsInItsSecretAndOnlyItsHashReachesTheRouters() {
    client.resource(key("web", "shop", List.of("small"))).create();

    String value = awaitValue("web");
    assertThat(value).startsWith("bm-").hasSizeGreaterThan(40);
    // The Secret is written before the key's status: wait for the status too.
    var status =
        await()
            .atMost(WAIT)
            .until(
                () -> client.resources(ApiKey.class).inNamespace(NS).withName("web").get(),
                k -> k.getStatus() != null && k.getStatus().keyHash != null)
            .getStatus();
    assertThat(status.keyHash).isEqualTo(Digests.sha256Hex(value));
    assertThat(status.conditions)
        .anySatisfy(c -> assertThat(c.status).isEqualTo(ConditionStatus.True));

    var access = awaitAccess(a -> a.keys().stream().anyMatch(k -> k.apiKey().equals(NS + "/web")));
    assertThat(access.mode()).isEqualTo(AccessMode.keys);
    var entry =
        access.keys().stream()
            .filter(k -> k.apiKey().equals(NS + "/web"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.sha256()).isEqualTo(Digests.sha256Hex(value));
    assertThat(entry.tenant()).isEqualTo("shop");
    assertThat(entry.models()).containsExactly("small");
    assertThat(entry.apiKey()).isEqualTo(NS + "/web");
    var configMap = client.configMaps().inNamespace(NS).withName("chat-routing").get();
    assertThat(configMap.getData().values()).noneMatch(text -> text.contains(value));
  }

  @Test
  void aRotationMakesANewValueAndTheOldOneWorksUntilItsGraceEnds() {
    var key = key("mobile", "app", List.of());
    key.getSpec().rotationGraceSeconds = 600;
    client.resource(key).create();
    String first = awaitValue("mobile");

    Instant before = Instant.now();
    Fixtures.edit(
        client.resources(ApiKey.class).inNamespace(NS).withName("mobile"),
        k -> k.getMetadata().setAnnotations(Map.of(ApiKey.ROTATE_ANNOTATION, "2026-12")));
    await().atMost(WAIT).until(() -> !awaitValue("mobile").equals(first));
    String second = awaitValue("mobile");

    var access =
        awaitAccess(
            a ->
                a.keys().stream().anyMatch(k -> k.sha256().equals(Digests.sha256Hex(second)))
                    && a.keys().stream()
                        .anyMatch(k -> k.sha256().equals(Digests.sha256Hex(first))));
    var old =
        access.keys().stream()
            .filter(k -> k.sha256().equals(Digests.sha256Hex(first)))
            .findFirst()
            .orElseThrow();
    assertThat(Instant.parse(old.notAfter()))
        .isBetween(before.plusSeconds(590), Instant.now().plusSeconds(610));
    var status =
        await()
            .atMost(WAIT)
            .until(
                () -> client.resources(ApiKey.class).inNamespace(NS).withName("mobile").get(),
                k -> k.getStatus() != null && "2026-12".equals(k.getStatus().rotation))
            .getStatus();
    assertThat(status.previousKeyHash).isEqualTo(Digests.sha256Hex(first));
  }

  @Test
  void aDeletedKeyLeavesTheKeysFileAndAnExpiredOneIsNotReady() {
    client.resource(key("temp", "ops", List.of())).create();
    String value = awaitValue("temp");
    awaitAccess(a -> a.keys().stream().anyMatch(k -> k.sha256().equals(Digests.sha256Hex(value))));

    client.resources(ApiKey.class).inNamespace(NS).withName("temp").delete();
    awaitAccess(a -> a.keys().stream().noneMatch(k -> k.sha256().equals(Digests.sha256Hex(value))));

    var expired = key("old", "ops", List.of());
    expired.getSpec().expiresAt = "2020-01-01T00:00:00Z";
    client.resource(expired).create();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              var status =
                  client.resources(ApiKey.class).inNamespace(NS).withName("old").get().getStatus();
              return status != null
                  && status.conditions.stream()
                      .anyMatch(
                          c -> c.status == ConditionStatus.False && "Expired".equals(c.reason));
            });
    String oldHash =
        client.resources(ApiKey.class).inNamespace(NS).withName("old").get().getStatus().keyHash;
    assertThat(awaitAccess(a -> true).keys()).noneMatch(k -> k.sha256().equals(oldHash));
  }

  @Test
  void aBudgetTwoRegionsShareIsSplitIntoAllowancesThatFollowTheSpend() throws Exception {
    // A member region whose cluster the operator cannot reach, but whose Redis it can.
    var east = region("east", 1);
    east.getSpec().kubeconfigSecretRef = new SecretKeyReference("east-kubeconfig", NS, "config");
    east.getSpec().redis = new RegionRedis();
    east.getSpec().redis.url = eastRedis.url();
    client.resource(east).create();
    client.resource(router(NS, "wide", List.of("hosted"), "local", "east")).create();
    var key = key("split", "travel", List.of());
    key.getSpec().routers = List.of(new NamedReference("wide"));
    key.getSpec().budget = new KeyBudget();
    key.getSpec().budget.usdPerDay = 2.0;
    client.resource(key).create();
    awaitValue("split");
    var quota =
        awaitAccess("wide", a -> a.keys().stream().anyMatch(k -> k.apiKey().equals(NS + "/split")))
            .keys()
            .get(0)
            .quota();
    assertThat(quota.budgetRegions()).as("each region starts from half").isEqualTo(2);

    // The local region's routers settle 0.90 USD of its 1.00; east spends nothing.
    var redisClient = Redis.createClient(vertx, redis.url());
    redisClient
        .send(
            Request.cmd(Command.SET)
                .arg(QuotaKeys.of("travel", NS + "/split", false).usdOnDay(Instant.now()))
                .arg(900_000_000L))
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    redisClient.close();
    Fixtures.edit(
        client.resources(ApiKey.class).inNamespace(NS).withName("split"),
        k -> k.getMetadata().setAnnotations(Map.of("example.com/touched", "1")));

    var status =
        await()
            .atMost(WAIT)
            .until(
                () -> client.resources(ApiKey.class).inNamespace(NS).withName("split").get(),
                k ->
                    k.getStatus() != null
                        && k.getStatus().usage != null
                        && k.getStatus().usage.stream()
                            .anyMatch(u -> u.usdToday != null && u.usdToday == 0.9))
            .getStatus();
    assertThat(status.budgetRegions).isEqualTo(2);
    var local = status.usage.stream().filter(u -> u.region.equals("local")).findFirst().get();
    var member = status.usage.stream().filter(u -> u.region.equals("east")).findFirst().get();
    // Of the 1.10 unspent, east keeps a tenth and the local region gets the rest.
    assertThat(member.usdTodayAllowance).isEqualTo(0.11);
    assertThat(local.usdTodayAllowance).isEqualTo(1.89);
  }

  private static ApiKey key(String name, String tenant, List<String> models) {
    var key = new ApiKey();
    key.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    var spec = new ApiKeySpec();
    spec.routers = List.of(new NamedReference("chat"));
    spec.tenant = tenant;
    spec.models = models;
    key.setSpec(spec);
    return key;
  }

  /** The key's value as a user reads it from its Secret. */
  private static String awaitValue(String name) {
    var secret =
        await()
            .atMost(WAIT)
            .until(
                () -> client.secrets().inNamespace(NS).withName(name + "-api-key").get(),
                s ->
                    s != null && s.getData() != null && s.getData().get(ApiKey.SECRET_KEY) != null);
    return new String(
        Base64.getDecoder().decode(secret.getData().get(ApiKey.SECRET_KEY)),
        StandardCharsets.UTF_8);
  }

  /** The router's keys file once it satisfies {@code condition}. */
  private static AccessConfig awaitAccess(java.util.function.Predicate<AccessConfig> condition) {
    return awaitAccess("chat", condition);
  }

  private static AccessConfig awaitAccess(
      String router, java.util.function.Predicate<AccessConfig> condition) {
    return await()
        .atMost(WAIT)
        .until(
            () -> {
              var configMap =
                  client.configMaps().inNamespace(NS).withName(router + "-routing").get();
              if (configMap == null || configMap.getData() == null) {
                return null;
              }
              String keys = configMap.getData().get(RoutingConfigMap.KEYS_KEY);
              return keys == null ? null : ConfigYaml.read(keys, AccessConfig.class);
            },
            access -> access != null && condition.test(access));
  }
}
