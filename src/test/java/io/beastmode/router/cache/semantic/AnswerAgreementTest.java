package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnswerAgreementTest {
  private static final String LONG_A =
      "Paris is the capital of France, and it has been the seat of its government for centuries.";
  private static final String LONG_B =
      "The capital of France is Paris, which has hosted the country's government for centuries.";

  @Test
  void shortAnswersAgreeOnlyWhenEqualAfterNormalisation() {
    assertThat(AnswerAgreement.agree("Yes.", "  yes ", (a, b) -> 0.0)).isTrue();
    assertThat(AnswerAgreement.agree("Café", "cafe", (a, b) -> 0.0)).isTrue();
    assertThat(AnswerAgreement.agree("3.14", "3,14", (a, b) -> 1.0)).isFalse();
    assertThat(AnswerAgreement.agree("42", "24", (a, b) -> 0.99)).isFalse();
  }

  @Test
  void longAnswersAgreeByMeaning() {
    assertThat(AnswerAgreement.agree(LONG_A, LONG_B, (a, b) -> 0.93)).isTrue();
    assertThat(AnswerAgreement.agree(LONG_A, LONG_B, (a, b) -> 0.85)).isFalse();
  }

  @Test
  void longAnswersWithOtherNumbersDisagree() {
    String a = "The Eiffel Tower is 330 metres tall and was finished in 1889 for the World's Fair.";
    String b = "The Eiffel Tower is 300 metres tall and was finished in 1889 for the World's Fair.";
    assertThat(AnswerAgreement.agree(a, b, (x, y) -> 0.99)).isFalse();
  }

  @Test
  void embeddingsGiveTheSimilarity() {
    float[] x = {1, 0};
    float[] y = {0.95f, (float) Math.sqrt(1 - 0.95 * 0.95)};
    assertThat(AnswerAgreement.agree(LONG_A, x, LONG_B, y)).isTrue();
    assertThat(AnswerAgreement.agree(LONG_A, x, LONG_B, new float[] {0, 1})).isFalse();
  }
}
