package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.RedisSentinel;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisAddressTest {

  @Test
  void aSingleServerIsReachedAtItsUrlAsBefore() {
    var redis = new RegionRedis();
    redis.url = "redis://redis.beastmode:6379/0";
    assertThat(RedisAddress.of(redis)).isEqualTo("redis://redis.beastmode:6379/0");
    assertThat(RedisAddress.options(RedisAddress.of(redis)).getType())
        .isEqualTo(RedisClientType.STANDALONE);
    assertThat(RedisAddress.routerEnvironment(redis))
        .containsExactlyEntriesOf(
            java.util.Map.of("QUARKUS_REDIS_HOSTS", "redis://redis.beastmode:6379/0"));
  }

  @Test
  void aSentinelSetIsFollowedToItsMasterByTheOperatorAndTheRouters() {
    var redis = new RegionRedis();
    redis.sentinel = new RedisSentinel();
    redis.sentinel.urls = List.of("redis://s-0:26379", "redis://:secret@s-1:26379");
    redis.sentinel.masterName = "region";
    redis.sentinel.ledgerWaitReplicas = 1;

    var options = RedisAddress.options(RedisAddress.of(redis));
    assertThat(options.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(options.getMasterName()).isEqualTo("region");
    assertThat(options.getRole()).isEqualTo(RedisRole.MASTER);
    assertThat(options.isAutoFailover()).isTrue();
    assertThat(options.getEndpoints())
        .containsExactly("redis://s-0:26379", "redis://:secret@s-1:26379");

    assertThat(RedisAddress.routerEnvironment(redis))
        .containsEntry("QUARKUS_REDIS_HOSTS", "redis://s-0:26379,redis://:secret@s-1:26379")
        .containsEntry("QUARKUS_REDIS_CLIENT_TYPE", "sentinel")
        .containsEntry("QUARKUS_REDIS_MASTER_NAME", "region")
        .containsEntry("QUARKUS_REDIS_ROLE", "master")
        .containsEntry("QUARKUS_REDIS_AUTO_FAILOVER", "true")
        .containsEntry("BEASTMODE_ROUTER_LEDGER_WAIT_REPLICAS", "1");
  }

  @Test
  void whatIsLoggedOfASentinelUrlLeavesItsPasswordOut() {
    assertThat(RedisAddress.hostOf("redis://:secret@s-1:26379")).isEqualTo("s-1:26379");
    assertThat(RedisAddress.hostOf("redis://s-0:26379")).isEqualTo("s-0:26379");
  }
}
