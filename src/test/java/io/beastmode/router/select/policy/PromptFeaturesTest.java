package io.beastmode.router.select.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromptFeaturesTest {

  @Test
  void codeMathsAndLetteredOptionsAreRecognised() {
    PromptFeatures code =
        PromptFeatures.of(
            "Why does this fail?\n```python\ndef f(x):\n    return x[0]\n```", 1, false, 0);
    PromptFeatures maths = PromptFeatures.of("Solve 3x + 5 = 20 for x.", 1, false, 0);
    PromptFeatures choice =
        PromptFeatures.of(
            "Which is a mammal?\nA. Shark\nB. Whale\nC. Trout\nD. Eel\nAnswer:", 1, false, 0);
    PromptFeatures plain = PromptFeatures.of("What is the capital of France?", 1, false, 0);

    assertThat(code.code()).isTrue();
    assertThat(maths.maths()).isTrue();
    assertThat(choice.multipleChoice()).isTrue();
    assertThat(plain.code() || plain.maths() || plain.multipleChoice()).isFalse();
  }

  @Test
  void theStaticRuleRanksDemandingRequestsAboveLongerPlainOnes() {
    String plainLong = "Tell me about the history of the city. ".repeat(20);
    PromptFeatures tools = PromptFeatures.of("Book a table for two.", 1, true, 0);
    PromptFeatures turns = PromptFeatures.of("And then?", 3, false, 0);
    PromptFeatures longAnswer = PromptFeatures.of("Write an essay on rivers.", 1, false, 4096);
    PromptFeatures plain = PromptFeatures.of(plainLong, 1, false, 0);

    assertThat(tools.structureScore()).isGreaterThan(plain.structureScore());
    assertThat(turns.structureScore()).isGreaterThan(plain.structureScore());
    assertThat(longAnswer.structureScore()).isGreaterThan(plain.structureScore());
    assertThat(plain.structureScore())
        .isGreaterThan(PromptFeatures.of("Hi", 1, false, 0).structureScore());
  }
}
