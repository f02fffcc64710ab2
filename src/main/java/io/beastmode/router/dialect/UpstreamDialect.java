package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What an upstream speaks: how requests are written for it and its answers read back. */
public interface UpstreamDialect {

  /** The inbound dialect this upstream speaks natively, for byte-for-byte pass-through. */
  Dialect nativeDialect();

  /** The request body for this upstream; {@code upstreamModel} replaces the caller's model. */
  ObjectNode request(CanonicalRequest request, String upstreamModel);

  /** A complete answer body. */
  CanonicalAnswer parseAnswer(JsonNode body);

  /**
   * A decoder for one streamed answer.
   *
   * @param promptEstimate the prompt's estimated tokens, reported at the start and kept when the
   *     upstream reports no usage of its own
   */
  StreamDecoder streamDecoder(long promptEstimate);

  /** An error answer (any status from 400), whatever its body holds. */
  UpstreamError parseError(int status, byte[] body);
}
