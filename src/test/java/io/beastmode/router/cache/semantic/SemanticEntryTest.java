package io.beastmode.router.cache.semantic;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Entries written by one router are read back by every other of the region. */
class SemanticEntryTest {
  @Test
  void anEntryReadsBackAsItWasWritten() {
    var entry =
        new SemanticEntry(
            42,
            "ab12",
            "wie setze ich mein Passwort zurück? ✓",
            new float[] {0.6f, -0.8f, 0f},
            "beastmode:cache:r:v:ff",
            1_700_000_000_000L);

    SemanticEntry read = SemanticEntry.decode(entry.encode());

    assertThat(read).usingRecursiveComparison().isEqualTo(entry);
  }

  @Test
  void bytesOfAnotherFormatOrCutShortAreNoEntry() {
    Buffer bytes = new SemanticEntry(1, "p", "q", new float[] {1f}, "k", 0).encode();
    assertThat(SemanticEntry.decode(bytes.getBuffer(0, bytes.length() - 1))).isNull();
    assertThat(SemanticEntry.decode(Buffer.buffer().appendInt(2).appendLong(1))).isNull();
    assertThat(SemanticEntry.decode(Buffer.buffer("garbage"))).isNull();
  }
}
