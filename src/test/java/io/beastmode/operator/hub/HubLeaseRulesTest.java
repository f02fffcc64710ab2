package io.beastmode.operator.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.hub.HubLeaseRules.LeaseView;
import io.beastmode.operator.hub.HubLeaseRules.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HubLeaseRulesTest {
  private static final Duration TEN = Duration.ofSeconds(10);

  private static Optional<LeaseView> lease(String holder, long epoch) {
    return Optional.of(new LeaseView(holder, epoch, TEN));
  }

  @Test
  void aHubTakesAFreeLeaseAndRenewsItsOwn() {
    assertThat(HubLeaseRules.next(Optional.empty(), "a", 1, Duration.ZERO, false))
        .isEqualTo(Step.TAKE);
    assertThat(HubLeaseRules.next(lease("a", 1), "a", 1, Duration.ofSeconds(30), false))
        .isEqualTo(Step.RENEW);
  }

  @Test
  void anOlderHubsLeaseIsTakenOnlyOnceExpiredUnlessTheOldHubIsGoneForCertain() {
    assertThat(HubLeaseRules.next(lease("a", 1), "b", 2, Duration.ofSeconds(9), false))
        .isEqualTo(Step.WAIT);
    assertThat(HubLeaseRules.next(lease("a", 1), "b", 2, Duration.ofSeconds(11), false))
        .isEqualTo(Step.TAKE);
    assertThat(HubLeaseRules.next(lease("a", 1), "b", 2, Duration.ZERO, true)).isEqualTo(Step.TAKE);
  }

  @Test
  void aNewerOrEqualEpochUnderAnotherNameFencesEvenWhenExpiredOrForced() {
    assertThat(HubLeaseRules.next(lease("b", 2), "a", 1, Duration.ofHours(1), true))
        .isEqualTo(Step.FENCED);
    // Two hubs promoted to the same epoch: both stop rather than both write.
    assertThat(HubLeaseRules.next(lease("b", 2), "a", 2, Duration.ofHours(1), false))
        .isEqualTo(Step.FENCED);
    // Our own name under a newer epoch is a promoted twin, not us.
    assertThat(HubLeaseRules.next(lease("a", 3), "a", 2, Duration.ZERO, false))
        .isEqualTo(Step.FENCED);
  }

  @Test
  void aPromotionTakesAnEpochAboveEverySeenOne() {
    assertThat(HubLeaseRules.nextEpoch(List.of(3L, 1L), 2)).isEqualTo(4);
    assertThat(HubLeaseRules.nextEpoch(List.of(), 5)).isEqualTo(6);
    assertThat(HubLeaseRules.nextEpoch(List.of(), 0)).isEqualTo(1);
  }

  @Test
  void onlyAMajorityOfAllRegionsPromotesAStandby() {
    var after = Duration.ofSeconds(30);
    var lost = Duration.ofSeconds(31);
    // Three regions, two read with the hub's Lease long expired: a majority.
    assertThat(HubLeaseRules.majorityLost(List.of(lost, lost, Duration.ZERO), 3, after)).isTrue();
    // Cut off with one of three: whatever it reads, no majority.
    assertThat(HubLeaseRules.majorityLost(List.of(lost), 3, after)).isFalse();
    // Half is not a majority.
    assertThat(HubLeaseRules.majorityLost(List.of(lost, Duration.ZERO), 2, after)).isFalse();
    // Expired, but not for long enough yet.
    assertThat(HubLeaseRules.majorityLost(List.of(after, after, after), 3, after)).isFalse();
  }

  @Test
  void aHubStopsWritingWellBeforeOthersMayTakeItsLease() {
    var renewed = Instant.parse("2026-01-01T00:00:00Z");
    var until = HubLeaseRules.writableUntil(renewed, TEN);
    assertThat(until).isBefore(renewed.plus(TEN));
    assertThat(HubLeaseRules.expiredFor(new LeaseView("a", 1, TEN), Duration.ofSeconds(12)))
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(HubLeaseRules.expiredFor(new LeaseView("a", 1, TEN), Duration.ofSeconds(3)))
        .isZero();
  }
}
