package io.beastmode.operator.recovery.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.operator.recovery.snapshot.SnapshotFixtures;
import io.beastmode.operator.recovery.snapshot.SnapshotSeal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotChunksTest {

  static final byte[] SEALED = SnapshotSeal.seal(SnapshotFixtures.sample(), SnapshotFixtures.KEY);

  static byte[] bytes(int length, long seed) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void splitThenJoinGivesBackTheBytesAtEverySize() throws Exception {
    int header = SnapshotChunks.HEADER_BYTES;
    for (int max :
        new int[] {
          header + 1,
          header + 7,
          1000,
          64 * 1024,
          700 * 1024,
          SEALED.length + header,
          SEALED.length + header - 1
        }) {
      List<byte[]> chunks = SnapshotChunks.split(SEALED, max);
      int payload = max - header;
      assertThat(chunks).as("max %d", max).hasSize((SEALED.length + payload - 1) / payload);
      assertThat(chunks).allSatisfy(c -> assertThat(c.length).isLessThanOrEqualTo(max));
      assertThat(SnapshotChunks.join(chunks)).as("max %d", max).isEqualTo(SEALED);
    }
  }

  @Test
  void smallAndEmptyInputsMakeOneChunk() throws Exception {
    for (byte[] b : new byte[][] {new byte[0], new byte[] {42}, bytes(100, 1)}) {
      List<byte[]> chunks = SnapshotChunks.split(b, 1000);
      assertThat(chunks).hasSize(1);
      assertThat(SnapshotChunks.join(chunks)).isEqualTo(b);
    }
  }

  @Test
  void joinedChunksOpen() throws Exception {
    var chunks = SnapshotChunks.split(SEALED, 700 * 1024 / 8);
    assertThat(chunks.size()).isGreaterThan(2);
    assertThat(SnapshotSeal.open(SnapshotChunks.join(chunks), SnapshotFixtures.KEY))
        .isEqualTo(SnapshotFixtures.sample());
  }

  @Test
  void chunksGivenOutOfOrderAreJoinedInIndexOrder() throws Exception {
    var chunks = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    Collections.reverse(chunks);
    assertThat(SnapshotChunks.join(chunks)).isEqualTo(SEALED);
    Collections.shuffle(chunks, new Random(7));
    assertThat(SnapshotChunks.join(chunks)).isEqualTo(SEALED);
  }

  @Test
  void aMissingChunkIsNamed() {
    var chunks = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    int total = chunks.size();
    var withoutSecond = new ArrayList<>(chunks);
    withoutSecond.remove(1);
    assertThatThrownBy(() -> SnapshotChunks.join(withoutSecond))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessage("chunk 1 of " + total + " is missing");
    var withoutLast = new ArrayList<>(chunks.subList(0, total - 1));
    assertThatThrownBy(() -> SnapshotChunks.join(withoutLast))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessage("chunk " + (total - 1) + " of " + total + " is missing");
    assertThatThrownBy(() -> SnapshotChunks.join(List.of()))
        .isInstanceOf(SnapshotStore.Missing.class);
  }

  @Test
  void aChunkOfAnotherSnapshotIsDetected() {
    byte[] other = SnapshotSeal.seal(SnapshotFixtures.sample(), SnapshotFixtures.KEY);
    assertThat(other).hasSameSizeAs(SEALED);
    var chunks = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    // Same index, same total, same length: only the snapshot it belongs to differs.
    chunks.set(2, SnapshotChunks.split(other, 10_000).get(2));
    assertThatThrownBy(() -> SnapshotChunks.join(chunks))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessage("chunk 2 belongs to another snapshot than the first chunk given");
  }

  @Test
  void aChunkGivenTwiceIsDetected() {
    var chunks = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    chunks.set(3, chunks.get(2));
    assertThatThrownBy(() -> SnapshotChunks.join(chunks))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessage("chunk 2 of " + chunks.size() + " is given twice");
  }

  @Test
  void anAlteredChunkIsDetected() {
    var chunks = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    byte[] altered = chunks.get(1).clone();
    altered[altered.length - 1] ^= 0x01;
    chunks.set(1, altered);
    assertThatThrownBy(() -> SnapshotChunks.join(chunks))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessageContaining("a chunk was altered");
    var notAChunk = new ArrayList<>(SnapshotChunks.split(SEALED, 10_000));
    notAChunk.set(0, SEALED);
    assertThatThrownBy(() -> SnapshotChunks.join(notAChunk))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessage("chunk 0 as given is not a snapshot chunk");
  }

  @Test
  void aChunkSizeWithNoRoomAfterTheHeaderIsRefused() {
    assertThatThrownBy(() -> SnapshotChunks.split(SEALED, SnapshotChunks.HEADER_BYTES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(SnapshotChunks.HEADER_BYTES + "-byte header");
  }
}
