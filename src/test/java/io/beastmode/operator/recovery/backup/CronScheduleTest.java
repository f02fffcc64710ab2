package io.beastmode.operator.recovery.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  static final Instant FRIDAY = Instant.parse("2026-11-27T13:46:30Z");

  private static Instant next(String schedule, Instant after) {
    return CronSchedule.parse(schedule).next(after);
  }

  @Test
  void shorthandsFireAtTheTopOfTheirPeriod() {
    assertThat(next("@hourly", FRIDAY)).isEqualTo("2026-11-27T14:00:00Z");
    assertThat(next("@daily", FRIDAY)).isEqualTo("2026-11-28T00:00:00Z");
    assertThat(next("@weekly", FRIDAY)).isEqualTo("2026-11-29T00:00:00Z");
  }

  @Test
  void listsRangesAndStepsAreHonoured() {
    assertThat(next("*/15 * * * *", FRIDAY)).isEqualTo("2026-11-27T14:00:00Z");
    assertThat(next("5,50 13 * * *", FRIDAY)).isEqualTo("2026-11-27T13:50:00Z");
    assertThat(next("0 9-17/4 * * 1-5", FRIDAY)).isEqualTo("2026-11-27T17:00:00Z");
    assertThat(next("0 9 * * 1-5", FRIDAY))
        .as("next working day")
        .isEqualTo("2026-11-30T09:00:00Z");
  }

  @Test
  void theNextRunIsStrictlyAfterTheGivenTime() {
    Instant onTheHour = Instant.parse("2026-11-27T14:00:00Z");
    assertThat(next("@hourly", onTheHour)).isEqualTo("2026-11-27T15:00:00Z");
  }

  @Test
  void withBothDayFieldsSetEitherDayFires() {
    // The 1st of the month or any Sunday: the Sunday comes first.
    assertThat(next("0 0 1 * 0", FRIDAY)).isEqualTo("2026-11-29T00:00:00Z");
    assertThat(next("0 0 29 2 *", FRIDAY)).isEqualTo("2028-02-29T00:00:00Z");
  }

  @Test
  void aWrongFieldIsNamed() {
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *"))
        .hasMessage("minute: value 61 is outside 0-59");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 * 13 *"))
        .hasMessage("month: value 13 is outside 1-12");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 *")).hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronSchedule.parse("0 5-1 * * *")).hasMessageContaining("backwards");
    assertThatThrownBy(() -> CronSchedule.parse("0 0 31 2 *").next(FRIDAY))
        .hasMessageContaining("never fires");
  }
}
