package io.beastmode.operator.recovery.restore;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicySpec;
import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.RedisSentinel;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.recovery.backup.SnapshotCollector;
import io.beastmode.operator.recovery.snapshot.SnapshotJson;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Region whose Redis is a Sentinel set, its Redis password and an LLMRouter's ledger outage
 * allowance, backed up from one hub's real API server and restored into another's: the restored
 * objects name the same sentinels, master, WAIT and password, so the new hub's routers and operator
 * reach the region's Redis as before.
 */
class SentinelSettingsBackupIT {
  static final String NS = "team";
  static final String SYSTEM = "beast-mode-system";

  @Test
  void aRegionsSentinelSettingsAndARoutersOutageAllowanceSurviveABackupAndARestore()
      throws Exception {
    try (var lost = ApiServer.start().withCrds();
        var fresh = ApiServer.start().withCrds()) {
      var hub = lost.client();
      Fixtures.namespaces(hub, NS, SYSTEM);
      hub.resource(
              Fixtures.secret(SYSTEM, "east-redis", Map.of("password", "sentinel-set-password")))
          .create();
      hub.resource(sentinelRegion()).create();
      var router = Fixtures.router(NS, "chat", List.of("hosted"), "east");
      router.getSpec().access.localAllowanceUsd = 0.05;
      hub.resource(router).create();

      var snapshot =
          new SnapshotCollector(hub, null, "test").collect(policy(), "hub-1", Instant.now());
      var read = SnapshotJson.read(SnapshotJson.write(snapshot));
      var outcome = new RestoreApplier(fresh.client(), null).apply(read, null, false, "restore");

      assertThat(outcome.conflicts()).isEmpty();
      KubernetesClient restored = fresh.client();
      var region = restored.resources(Region.class).withName("east").get();
      var expected = sentinelRegion().getSpec().redis;
      assertThat(region.getSpec().redis.url).isNull();
      assertThat(region.getSpec().redis.sentinel.urls).isEqualTo(expected.sentinel.urls);
      assertThat(region.getSpec().redis.sentinel.masterName).isEqualTo("east-redis");
      assertThat(region.getSpec().redis.sentinel.ledgerWaitReplicas).isEqualTo(1);
      assertThat(region.getSpec().redis.passwordSecretRef.name).isEqualTo("east-redis");
      assertThat(region.getSpec().redis.passwordSecretRef.namespace).isEqualTo(SYSTEM);
      var password = restored.secrets().inNamespace(SYSTEM).withName("east-redis").get();
      assertThat(password).as("the password the Region names").isNotNull();
      assertThat(
              new String(
                  java.util.Base64.getDecoder().decode(password.getData().get("password")),
                  java.nio.charset.StandardCharsets.UTF_8))
          .isEqualTo("sentinel-set-password");
      assertThat(
              restored
                  .resources(LLMRouter.class)
                  .inNamespace(NS)
                  .withName("chat")
                  .get()
                  .getSpec()
                  .access
                  .localAllowanceUsd)
          .isEqualTo(0.05);
    }
  }

  private static Region sentinelRegion() {
    var region = Fixtures.region("east", 5);
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.sentinel = new RedisSentinel();
    region.getSpec().redis.sentinel.urls =
        List.of(
            "redis://sentinel-0.redis.east:26379",
            "redis://sentinel-1.redis.east:26379",
            "redis://sentinel-2.redis.east:26379");
    region.getSpec().redis.sentinel.masterName = "east-redis";
    region.getSpec().redis.sentinel.ledgerWaitReplicas = 1;
    region.getSpec().redis.passwordSecretRef =
        new SecretKeyReference("east-redis", SYSTEM, "password");
    return region;
  }

  /** Objects and Secrets only: the region's Redis is not there to read. */
  private static BackupPolicy policy() {
    var policy = new BackupPolicy();
    policy.setMetadata(new ObjectMetaBuilder().withName("nightly").withNamespace(NS).build());
    policy.setSpec(new BackupPolicySpec());
    policy.getSpec().schedule = "@daily";
    policy.getSpec().include.routerState = false;
    policy.getSpec().target = new BackupTarget();
    policy.getSpec().target.region = "east";
    return policy;
  }
}
