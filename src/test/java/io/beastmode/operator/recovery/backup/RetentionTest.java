package io.beastmode.operator.recovery.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.recovery.snapshot.SnapshotNames;
import io.beastmode.operator.recovery.store.SnapshotStore;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {
  static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  private static List<SnapshotStore.Stored> daily(int days) {
    return java.util.stream.IntStream.range(0, days)
        .mapToObj(
            d ->
                new SnapshotStore.Stored(
                    SnapshotNames.of("nightly", NOW.minusSeconds(86_400L * d + 3600)), 100))
        .toList();
  }

  @Test
  void theNewestKeepLastStayAndTheRestGo() {
    var delete = Retention.toDelete(daily(10), 7, null, null, NOW);

    assertThat(delete)
        .containsExactly(
            "nightly-20261120t110000z", "nightly-20261119t110000z", "nightly-20261118t110000z");
  }

  @Test
  void theNewestGoodSnapshotCountsAmongTheKept() {
    var stored = daily(3);

    assertThat(Retention.toDelete(stored, 2, null, stored.get(0).name(), NOW))
        .containsExactly("nightly-20261125t110000z");
  }

  @Test
  void snapshotsOlderThanMaxAgeGoEvenWithinKeepLast() {
    assertThat(Retention.toDelete(daily(5), 7, 2, null, NOW))
        .as("49 hours and more")
        .containsExactly(
            "nightly-20261125t110000z", "nightly-20261124t110000z", "nightly-20261123t110000z");
  }

  @Test
  void theNewestGoodSnapshotIsNeverDeleted() {
    // Every snapshot is past its age; the last one that opened stays.
    var old = daily(30).subList(20, 30);

    var delete = Retention.toDelete(old, 7, 2, "nightly-20261106t110000z", NOW);

    assertThat(delete).hasSize(9).doesNotContain("nightly-20261106t110000z");
  }

  @Test
  void namesThePolicyDidNotMakeAreLeftAlone() {
    var stored = List.of(new SnapshotStore.Stored("before-the-migration", 10));

    assertThat(Retention.toDelete(stored, 1, 1, null, NOW)).isEmpty();
  }
}
