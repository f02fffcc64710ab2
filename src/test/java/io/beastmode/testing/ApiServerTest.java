package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class ApiServerTest {
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  @Test
  void aStartWhoseDeadlineIsBeforeMidnightGoesAtOnce() {
    assertThat(ApiServer.waitBeforeStart(LocalTime.of(12, 0), TIMEOUT)).isZero();
    assertThat(ApiServer.waitBeforeStart(LocalTime.of(23, 57, 59), TIMEOUT)).isZero();
    assertThat(ApiServer.waitBeforeStart(LocalTime.of(0, 0, 1), TIMEOUT)).isZero();
  }

  @Test
  void aStartWhoseDeadlineCrossesMidnightWaitsUntilItHasPassed() {
    // Seen in a run: a start at 23:59:06 failed at once.
    Duration wait = ApiServer.waitBeforeStart(LocalTime.of(23, 59, 6), TIMEOUT);
    assertThat(wait).isBetween(Duration.ofSeconds(54), Duration.ofSeconds(55));
    assertThat(LocalTime.of(23, 59, 6).plus(wait)).isBefore(LocalTime.of(0, 0, 2));
    assertThat(LocalTime.of(23, 59, 6).plus(wait).plus(TIMEOUT))
        .isAfter(LocalTime.of(23, 59, 6).plus(wait));
  }
}
