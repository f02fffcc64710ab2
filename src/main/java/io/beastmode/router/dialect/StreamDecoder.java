package io.beastmode.router.dialect;

import java.util.List;

/**
 * Reads an upstream's server-sent event stream as canonical events. Stateful: one per answer. Bytes
 * may be split anywhere, inside an event or a UTF-8 sequence.
 */
public interface StreamDecoder {

  /** The events that the bytes so far complete. */
  List<StreamEvent> feed(byte[] chunk, int offset, int length);

  default List<StreamEvent> feed(byte[] chunk) {
    return feed(chunk, 0, chunk.length);
  }

  /**
   * The upstream closed the stream: the events still owed, or a {@link StreamEvent.StreamError}
   * when the answer ended before it was complete.
   */
  List<StreamEvent> finish();
}
