package io.beastmode.router.dialect;

import java.util.List;

/**
 * Writes canonical stream events as a dialect's server-sent events. Stateful: one per answer, fed
 * every event in order; an event may give no frame, or several.
 */
public interface StreamEncoder {
  List<byte[]> encode(StreamEvent event);
}
