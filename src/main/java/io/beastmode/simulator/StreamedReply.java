package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** A {@link Reply} shaped by one API: a JSON body, or the events of a stream. */
interface StreamedReply {
  ObjectNode body();

  /** One event per piece of content (a word, a piece of tool arguments), paced by the model. */
  List<Buffer> contentEvents();

  /** What ends a stream that went well. */
  Buffer closingEvents();

  /**
   * What ends a stream the model breaks on purpose: an error event, or null to cut the connection.
   */
  Buffer breakingEvent();
}
