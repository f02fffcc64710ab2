package io.beastmode.router.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalAnswersTest {
  private final AtomicLong now = new AtomicLong(1_000_000);

  private CachedAnswer answer(int bodyBytes, long expiresAt) {
    return new CachedAnswer(
        "m", "application/json", 0.001, Buffer.buffer(new byte[bodyBytes]), expiresAt);
  }

  @Test
  void anAnswerLivesNoLongerThanItsStoredCopy() {
    LocalAnswers local = new LocalAnswers(1 << 20, now::get);
    local.put("k", answer(100, now.get() + 5_000));

    assertThat(local.get("k")).isNotNull();
    now.addAndGet(5_000);
    assertThat(local.get("k")).isNull();
    assertThat(local.size()).isZero();
  }

  @Test
  void anAnswerWithoutAKnownExpiryIsNotKept() {
    LocalAnswers local = new LocalAnswers(1 << 20, now::get);
    local.put("k", answer(100, 0));

    assertThat(local.get("k")).isNull();
  }

  @Test
  void theByteBudgetPushesOutTheLeastRecentlyUsed() {
    LocalAnswers local = new LocalAnswers(16 * 1000, now::get);
    long later = now.get() + 60_000;
    for (int i = 0; i < 10; i++) {
      local.put("k" + i, answer(700, later));
    }
    local.get("k0");
    for (int i = 10; i < 18; i++) {
      local.put("k" + i, answer(700, later));
    }

    // Each entry counts a little over 900 bytes against the 16,000.
    assertThat(local.size()).isEqualTo(17);
    assertThat(local.get("k0")).as("used recently, so kept").isNotNull();
    assertThat(local.get("k1")).as("the oldest unused, so gone").isNull();
    assertThat(local.get("k17")).isNotNull();
  }

  @Test
  void anAnswerTooLargeForItsShareOfTheBudgetIsNotKept() {
    LocalAnswers local = new LocalAnswers(16 * 1000, now::get);
    local.put("big", answer(2000, now.get() + 60_000));

    assertThat(local.get("big")).isNull();
  }
}
