package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptGuardsTest {

  @Test
  void aNegationAddedIsRefused() {
    assertThat(
            PromptGuards.conflict(
                "Is Python good for beginners?", "Is Python not good for beginners?"))
        .isEqualTo("negation");
    assertThat(PromptGuards.conflict("Why do cats purr?", "Why don't cats purr?"))
        .isEqualTo("negation");
  }

  @Test
  void aNegationAddedBesideAnotherIsRefused() {
    assertThat(
            PromptGuards.conflict(
                "How do I leave home without feeling weird?",
                "How do I not leave home without feeling weird?"))
        .isEqualTo("negation");
  }

  @Test
  void aNumberChangedIsRefused() {
    assertThat(PromptGuards.conflict("What is 15% of 80?", "What is 15% of 90?"))
        .isEqualTo("number");
    assertThat(PromptGuards.conflict("Top 10 books to read", "Top 5 books to read"))
        .isEqualTo("number");
    assertThat(
            PromptGuards.conflict(
                "How to lose weight in 2 weeks", "How to lose weight in three weeks"))
        .isEqualTo("number");
  }

  @Test
  void anEntitySwappedIsRefused() {
    assertThat(
            PromptGuards.conflict(
                "What is the capital of France?", "What is the capital of Germany?"))
        .isEqualTo("entity");
    assertThat(
            PromptGuards.conflict("How do I learn Python quickly?", "How do I learn java quickly?"))
        .isEqualTo("entity");
  }

  @Test
  void aWordSwappedForItsOppositeIsRefused() {
    assertThat(PromptGuards.conflict("How do I turn on dark mode?", "How do I turn off dark mode?"))
        .isEqualTo("antonym");
    assertThat(
            PromptGuards.conflict(
                "What is the best laptop for students?", "What is the worst laptop for students?"))
        .isEqualTo("antonym");
    assertThat(
            PromptGuards.conflict(
                "How can I increase my metabolism?", "How can I decrease my metabolism?"))
        .isEqualTo("antonym");
  }

  @Test
  void trueParaphrasesAreNotRefused() {
    assertThat(
            PromptGuards.conflict(
                "What are some good tips for self study?",
                "What are the smart tips for self studying?"))
        .isNull();
    assertThat(
            PromptGuards.conflict(
                "How can I improve my English?", "What are ways to improve my English?"))
        .isNull();
    assertThat(
            PromptGuards.conflict(
                "How do I learn Python?", "What is the best way to learn python?"))
        .isNull();
    assertThat(PromptGuards.conflict("Is it safe to eat raw eggs?", "Are raw eggs safe to eat?"))
        .isNull();
    assertThat(PromptGuards.conflict("Top ten books to read", "Top 10 books to read")).isNull();
    assertThat(
            PromptGuards.conflict(
                "Why can't I sleep at night?", "Why am I not able to sleep at night?"))
        .isNull();
  }

  @Test
  void contentDifferenceIgnoresStopWordsAndPlurals() {
    assertThat(PromptGuards.contentDifference("What are the best books?", "Which book is best?"))
        .isEmpty();
    assertThat(PromptGuards.contentDifference("Best books on history", "Best films on history"))
        .containsExactlyInAnyOrder("book", "film");
  }
}
