package io.beastmode.operator.recovery.snapshot;

import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.builder;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.dump;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.region;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.router;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.sample;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.secret;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void theBuilderComputesTheManifestFromTheContent() throws Exception {
    var s = sample();
    var m = s.manifest();
    assertThat(m.formatVersion()).isEqualTo(1);
    assertThat(m.operatorVersion()).isEqualTo("0.1.0");
    assertThat(m.sourceCluster()).isEqualTo("hub-1");
    assertThat(m.policy()).isEqualTo(new SnapshotManifest.Policy("shop", "nightly"));
    assertThat(m.resourceVersions()).containsEntry("LLMRouter", "812").hasSize(4);
    assertThat(m.redisCuts()).containsOnlyKeys("eu");
    assertThat(m.redisUnreached()).containsExactly("us");
    assertThat(m.objectCount()).isEqualTo(4);
    assertThat(m.redisEntryCount()).isEqualTo(3);
    assertThat(m.objects())
        .containsExactly(
            new SnapshotManifest.ObjectDigest("LLMRouter", "shop", "chat", sha256(router().json())),
            new SnapshotManifest.ObjectDigest(
                "ModelPool", "shop", "gpt", sha256(SnapshotFixtures.pool().json())),
            new SnapshotManifest.ObjectDigest("Secret", "shop", "openai", sha256(secret().json())),
            new SnapshotManifest.ObjectDigest("Region", null, "eu", sha256(region().json())));
    assertThat(m.redisEntries().get(1))
        .isEqualTo(new SnapshotManifest.EntryDigest("eu", "bm:stats:gpt-4o", sha256(dump(300, 2))));
  }

  @Test
  void aManifestThatDoesNotDescribeTheContentIsRefused() {
    var s = sample();
    var other = builder().object(router()).object(region()).build().manifest();
    assertThatThrownBy(() -> new Snapshot(other, s.objects(), s.redisEntries()))
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessage("ModelPool shop/gpt is not in the manifest");

    var changed = new Snapshot.KubeObject("v1", "Secret", "shop", "openai", utf8("{\"data\":{}}"));
    assertThatThrownBy(
            () ->
                new Snapshot(
                    s.manifest(),
                    List.of(router(), SnapshotFixtures.pool(), changed, region()),
                    s.redisEntries()))
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessage("Secret shop/openai does not match its SHA-256 in the manifest");

    assertThatThrownBy(
            () -> new Snapshot(s.manifest(), s.objects(), s.redisEntries().subList(0, 2)))
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessage(
            "the manifest lists Redis key bm:big of region eu, which the snapshot does not hold");
  }

  @Test
  void anObjectOrEntryTwiceIsRefused() {
    assertThatThrownBy(() -> builder().object(secret()).object(secret()).build())
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessage("the snapshot holds Secret shop/openai twice");
    var entry = new Snapshot.RedisEntry("eu", "k", dump(3, 1), -1);
    assertThatThrownBy(() -> builder().redisEntry(entry).redisEntry(entry).build())
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessage("the snapshot holds Redis key k of region eu twice");
  }

  @Test
  void aRedisEntryNeedsACutForItsRegion() {
    assertThatThrownBy(
            () -> builder().redisEntry(new Snapshot.RedisEntry("us", "k", dump(3, 1), -1)).build())
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessageContaining("Redis key k of region us");
    assertThatThrownBy(() -> builder().redisCut("us", Instant.EPOCH).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("region us has a Redis cut and is listed as not reached");
  }

  @Test
  void contentIsCopiedInAndOutAndComparedByValue() {
    byte[] json = utf8("{}");
    var object = new Snapshot.KubeObject("v1", "Secret", "shop", "x", json);
    json[0] = 'X';
    object.json()[1] = 'X';
    assertThat(object.json()).isEqualTo(utf8("{}"));
    assertThat(object).isEqualTo(new Snapshot.KubeObject("v1", "Secret", "shop", "x", utf8("{}")));
    assertThat(object.hashCode())
        .isEqualTo(new Snapshot.KubeObject("v1", "Secret", "shop", "x", utf8("{}")).hashCode());
    assertThat(new Snapshot.RedisEntry("eu", "k", dump(5, 1), -1))
        .isEqualTo(new Snapshot.RedisEntry("eu", "k", dump(5, 1), -1))
        .isNotEqualTo(new Snapshot.RedisEntry("eu", "k", dump(5, 1), 10));
  }

  @Test
  void toStringNeverShowsContent() {
    assertThat(secret().toString())
        .isEqualTo("KubeObject[v1 Secret shop/openai, " + secret().json().length + " bytes]")
        .doesNotContain(SnapshotFixtures.SECRET_VALUE);
    assertThat(sample().toString()).doesNotContain(SnapshotFixtures.SECRET_VALUE);
  }

  @Test
  void aPttlBelowMinusOneIsRefused() {
    assertThatThrownBy(() -> new Snapshot.RedisEntry("eu", "k", dump(3, 1), -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PTTL");
  }
}
