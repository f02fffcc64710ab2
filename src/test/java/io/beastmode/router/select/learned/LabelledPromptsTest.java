package io.beastmode.router.select.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LabelledPromptsTest {

  @Test
  void readsQuotedMultiLinePromptsAndOneOutcomePerModel() {
    LabelledPrompts data =
        LabelledPrompts.parse(
            "mmlu.csv",
            "prompt,small,large\n"
                + "\"What is 2+2?\nA. 4\nB. \"\"five\"\"\nAnswer:\",True,False\n"
                + "plain question,false,\n");

    assertThat(data.models()).containsExactly("small", "large");
    assertThat(data.rows()).hasSize(2);
    assertThat(data.rows().get(0).prompt()).isEqualTo("What is 2+2?\nA. 4\nB. \"five\"\nAnswer:");
    assertThat(data.rows().get(0).outcomes()).containsExactly(1, 0);
    assertThat(data.rows().get(1).outcomes()[0]).isZero();
    assertThat(data.rows().get(1).outcomes()[1]).isNaN();
  }

  @Test
  void aBrokenOutcomeNamesTheFileLineAndModel() {
    assertThatThrownBy(
            () ->
                LabelledPrompts.parse(
                    "x.csv", "prompt,small,large\n\"two\nlines\",True,True\nthird,True,Maybe\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("x.csv line 4: large is 'Maybe', expected True, False or empty");
  }

  @Test
  void aRowWithTheWrongNumberOfFieldsIsRejected() {
    assertThatThrownBy(() -> LabelledPrompts.parse("x.csv", "prompt,small,large\nq,True\n"))
        .hasMessage("x.csv line 2: 2 fields, the header has 3");
  }

  @Test
  void anUnclosedQuoteIsRejected() {
    assertThatThrownBy(() -> LabelledPrompts.parse("x.csv", "prompt,small\n\"q,True\n"))
        .hasMessage("x.csv line 2: a quoted field is never closed");
  }

  @Test
  void theHeaderMustStartWithPrompt() {
    assertThatThrownBy(() -> LabelledPrompts.parse("x.csv", "question,small\nq,True\n"))
        .hasMessageStartingWith("x.csv line 1: the header must be prompt,<model>");
  }
}
