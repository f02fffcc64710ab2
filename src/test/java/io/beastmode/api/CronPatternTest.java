package io.beastmode.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.api.v1alpha1.CronPattern;
import io.beastmode.operator.recovery.backup.CronSchedule;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The schedule pattern the API server enforces agrees with the schedule the operator runs. */
class CronPatternTest {
  static final Pattern SCHEDULE = Pattern.compile(CronPattern.SCHEDULE);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "@hourly",
        "@daily",
        "@weekly",
        "0 3 * * *",
        "59 23 31 12 7",
        "0 0 1 1 0",
        "*/15 9-17/4 1,15 1-12 1-5",
        "00 09 01 01 *"
      })
  void schedulesInRangeAreAcceptedByBoth(String schedule) {
    assertThat(SCHEDULE.matcher(schedule).matches()).isTrue();
    CronSchedule.parse(schedule);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "60 * * * *",
        "61 * * * *",
        "0 24 * * *",
        "0 0 0 * *",
        "0 0 32 * *",
        "0 0 * 0 *",
        "0 0 * 13 *",
        "0 0 * * 8",
        "0 0 * *",
        "every day",
        "@yearly",
        "*/0 * * * *"
      })
  void schedulesOutOfRangeAreRejectedByBoth(String schedule) {
    assertThat(SCHEDULE.matcher(schedule).matches()).isFalse();
    if (!List.of("@yearly", "every day").contains(schedule)) {
      assertThatThrownBy(() -> CronSchedule.parse(schedule))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
