package io.beastmode.operator.recovery.restore;

import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.TAKEN_AT;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.pool;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.region;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.router;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.sample;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.secret;
import static io.beastmode.operator.recovery.snapshot.SnapshotFixtures.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.operator.recovery.backup.ContinuousBackups;
import io.beastmode.operator.recovery.snapshot.Snapshot;
import io.beastmode.operator.recovery.snapshot.SnapshotFixtures;
import io.beastmode.operator.recovery.snapshot.SnapshotManifest;
import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.snapshot.SnapshotRejected;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Change sets of continuous mode: their names, their format, and folding them into a base. */
class RestorePointsTest {
  static final String BASE = "nightly-20261127t134500z";
  static final Snapshot.KubeObject EDITED_ROUTER =
      new Snapshot.KubeObject(
          "beastmode.io/v1alpha1", "LLMRouter", "shop", "chat", utf8("{\"spec\":{\"v\":2}}"));
  static final Snapshot.KubeObject NEW_POOL =
      new Snapshot.KubeObject(
          "beastmode.io/v1alpha1", "ModelPool", "shop", "open", utf8("{\"spec\":{}}"));

  static Snapshot changeSet(String base) {
    return Snapshot.builder(
            "0.1.0",
            "hub-1",
            new SnapshotManifest.Policy("shop", "nightly"),
            TAKEN_AT.plusSeconds(40))
        .changeSetOf(base)
        .listedAt("LLMRouter", "900")
        .object(EDITED_ROUTER)
        .object(NEW_POOL)
        .removed(new SnapshotManifest.ObjectId("Secret", "shop", "openai"))
        .build();
  }

  @Test
  void changeSetNamesFollowTheirBaseAndCount() {
    String first = SnapshotNames.changeSet(BASE, 1);
    assertThat(first).isEqualTo(BASE + "-c000001");
    assertThat(SnapshotNames.baseOf(first)).contains(BASE);
    assertThat(SnapshotNames.sequenceOf(SnapshotNames.changeSet(BASE, 12))).isEqualTo(12);
    assertThat(SnapshotNames.baseOf(BASE)).isEmpty();
    assertThat(SnapshotNames.baseOf("my-cache-20261127t134500z")).isEmpty();
    assertThat(SnapshotNames.of(first, "nightly")).as("not a whole snapshot").isFalse();
    assertThat(RestorePoints.changeSets(List.of(BASE, first, BASE + "-c000002", "x"), BASE))
        .containsExactly(BASE + "-c000002", first);
  }

  @Test
  void aChangeSetSurvivesSealingWithWhatItRemoves() throws Exception {
    var sealed = SnapshotSeal.seal(changeSet(BASE), SnapshotFixtures.KEY);
    var opened = SnapshotSeal.open(sealed, SnapshotFixtures.KEY);
    assertThat(opened.manifest().baseSnapshot()).isEqualTo(BASE);
    assertThat(opened.manifest().removed())
        .containsExactly(new SnapshotManifest.ObjectId("Secret", "shop", "openai"));
    assertThat(opened).isEqualTo(changeSet(BASE));
  }

  @Test
  void foldingReplacesChangedObjectsAddsNewOnesDropsRemovedOnesAndKeepsTheBasesRouterState()
      throws Exception {
    var base = sample();

    var folded = RestorePoints.fold(BASE, base, changeSet(BASE));

    assertThat(folded.objects()).containsExactly(EDITED_ROUTER, pool(), region(), NEW_POOL);
    assertThat(folded.objects()).doesNotContain(router(), secret());
    assertThat(folded.redisEntries()).isEqualTo(base.redisEntries());
    assertThat(folded.manifest().redisCuts()).isEqualTo(base.manifest().redisCuts());
    assertThat(folded.manifest().takenAt())
        .as("as of the change set")
        .isEqualTo(TAKEN_AT.plusSeconds(40));
    assertThat(folded.manifest().resourceVersions())
        .containsEntry("LLMRouter", "900")
        .containsEntry("ModelPool", "790");
  }

  @Test
  void aChangeSetOfAnotherBaseOrClusterIsRefused() {
    var base = sample();
    assertThatThrownBy(() -> RestorePoints.fold(BASE, base, changeSet("nightly-20261126t134500z")))
        .isInstanceOf(SnapshotRejected.class)
        .hasMessageContaining("applies on top of nightly-20261126t134500z");
    var foreign =
        Snapshot.builder("0.1.0", "hub-2", new SnapshotManifest.Policy("shop", "nightly"), TAKEN_AT)
            .changeSetOf(BASE)
            .build();
    assertThatThrownBy(() -> RestorePoints.fold(BASE, base, foreign))
        .isInstanceOf(SnapshotRejected.class)
        .hasMessageContaining("different clusters");
  }

  @Test
  void aChangeSetCannotBothHoldAndRemoveAnObject() {
    assertThatThrownBy(
            () ->
                Snapshot.builder(
                        "0.1.0", "hub-1", new SnapshotManifest.Policy("shop", "nightly"), TAKEN_AT)
                    .changeSetOf(BASE)
                    .object(NEW_POOL)
                    .removed(new SnapshotManifest.ObjectId("ModelPool", "shop", "open"))
                    .build())
        .isInstanceOf(Snapshot.Mismatch.class)
        .hasMessageContaining("both holds and removes ModelPool shop/open");
  }

  @Test
  void theBackupPolicysOwnStatusIsNoChange() {
    var before =
        new Snapshot.KubeObject(
            "beastmode.io/v1alpha1",
            "BackupPolicy",
            "shop",
            "nightly",
            utf8("{\"spec\":{\"schedule\":\"@daily\"},\"status\":{\"measuredRpoSeconds\":1}}"));
    var statusOnly =
        new Snapshot.KubeObject(
            "beastmode.io/v1alpha1",
            "BackupPolicy",
            "shop",
            "nightly",
            utf8("{\"spec\":{\"schedule\":\"@daily\"},\"status\":{\"measuredRpoSeconds\":9}}"));
    var specChanged =
        new Snapshot.KubeObject(
            "beastmode.io/v1alpha1",
            "BackupPolicy",
            "shop",
            "nightly",
            utf8("{\"spec\":{\"schedule\":\"@hourly\"},\"status\":{\"measuredRpoSeconds\":1}}"));
    assertThat(ContinuousBackups.changeDigest(statusOnly))
        .isEqualTo(ContinuousBackups.changeDigest(before));
    assertThat(ContinuousBackups.changeDigest(specChanged))
        .isNotEqualTo(ContinuousBackups.changeDigest(before));
    assertThat(ContinuousBackups.changeDigest(EDITED_ROUTER))
        .isNotEqualTo(ContinuousBackups.changeDigest(router()));
  }
}
