package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RouterKeyTest {

  @Test
  void aShortKeyIsItsNamespaceAndNameInBothForms() {
    var key = new RouterKey("ai", "assistant");
    assertThat(key).hasToString("ai/assistant");
    assertThat(key.labelValue()).isEqualTo("ai.assistant");
  }

  @Test
  void aLongKeyFitsALabelValueAndStaysDistinct() {
    String namespace = "platform-inference-production";
    var first = new RouterKey(namespace, "assistant-router-for-the-customer-support-team");
    var second = new RouterKey(namespace, "assistant-router-for-the-customer-success-team");
    assertThat(first.labelValue()).hasSizeLessThanOrEqualTo(63);
    assertThat(second.labelValue()).hasSizeLessThanOrEqualTo(63);
    assertThat(first.labelValue()).isNotEqualTo(second.labelValue());
    assertThat(first.labelValue()).startsWith(namespace + ".assistant");
    assertThat(first).hasToString(namespace + "/assistant-router-for-the-customer-support-team");
  }
}
