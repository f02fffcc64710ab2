package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final Instant T1 = Instant.parse("2026-11-21T10:05:00Z");

  @Test
  void stampsGenerationAndTransitionTime() {
    var status = new LLMRouterStatus();
    new Conditions(Clock.fixed(T0, ZoneOffset.UTC))
        .set(status, null, 3, Conditions.ready(ConditionStatus.True, "AllRegionsReady", "ok"));
    var ready = Conditions.find(status, Conditions.READY).orElseThrow();
    assertThat(ready.observedGeneration).isEqualTo(3);
    assertThat(ready.lastTransitionTime).isEqualTo("2026-11-21T10:00:00Z");
  }

  @Test
  void keepsTheTransitionTimeWhileTheStatusStaysTheSame() {
    var first = new LLMRouterStatus();
    new Conditions(Clock.fixed(T0, ZoneOffset.UTC))
        .set(first, null, 1, Conditions.ready(ConditionStatus.False, "RegionsNotReady", "0/1"));
    var later = new Conditions(Clock.fixed(T1, ZoneOffset.UTC));

    var same = new LLMRouterStatus();
    later.set(
        same, first, 2, Conditions.ready(ConditionStatus.False, "RegionsNotReady", "still 0/1"));
    assertThat(Conditions.find(same, Conditions.READY).orElseThrow().lastTransitionTime)
        .isEqualTo("2026-11-21T10:00:00Z");

    var flipped = new LLMRouterStatus();
    later.set(flipped, first, 2, Conditions.ready(ConditionStatus.True, "AllRegionsReady", "1/1"));
    assertThat(Conditions.find(flipped, Conditions.READY).orElseThrow().lastTransitionTime)
        .isEqualTo("2026-11-21T10:05:00Z");
  }

  @Test
  void replacesAConditionOfTheSameType() {
    var status = new LLMRouterStatus();
    var conditions = new Conditions(Clock.fixed(T0, ZoneOffset.UTC));
    conditions.set(status, null, 1, Conditions.ready(ConditionStatus.False, "A", "a"));
    conditions.set(status, null, 1, Conditions.ready(ConditionStatus.True, "B", "b"));
    assertThat(status.conditions)
        .hasSize(1)
        .first()
        .satisfies(c -> assertThat(c.reason).isEqualTo("B"));
  }
}
