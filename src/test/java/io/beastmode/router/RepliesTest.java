package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RepliesTest {
  @Test
  void costHeadersHaveEightDecimalsAsTheyAlwaysHad() {
    assertThat(Replies.usd(0)).isEqualTo("0.00000000");
    assertThat(Replies.usd(0.000123456789)).isEqualTo("0.00012346");
    assertThat(Replies.usd(12.5)).isEqualTo("12.50000000");
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      double cost = random.nextDouble() * Math.pow(10, -random.nextInt(9));
      assertThat(Replies.usd(cost))
          .as("%s", cost)
          .isEqualTo(String.format(Locale.ROOT, "%.8f", cost));
    }
  }
}
