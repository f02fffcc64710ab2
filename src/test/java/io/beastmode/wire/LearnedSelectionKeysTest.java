package io.beastmode.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LearnedSelectionKeysTest {

  @Test
  void anEmbeddingIsPackedAsLittleEndianFloatsAndBackExactly() {
    float[] vector = {1.0f, -0.5f, 3.25e-7f, Float.MIN_VALUE};

    byte[] packed = LearnedSelectionKeys.pack(vector);

    assertThat(packed).hasSize(16);
    // 1.0f is 0x3F800000: little-endian, the low bytes first.
    assertThat(packed).startsWith((byte) 0, (byte) 0, (byte) 0x80, (byte) 0x3F);
    assertThat(LearnedSelectionKeys.unpack(packed)).containsExactly(vector);
  }

  @Test
  void keysArePerLlmRouter() {
    assertThat(LearnedSelectionKeys.examples("team/chat"))
        .isEqualTo("beastmode:learned:{team/chat}:examples");
    assertThat(LearnedSelectionKeys.decision("team/chat", "42"))
        .isEqualTo("beastmode:learned:{team/chat}:decision:42");
  }
}
