package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;

/** What a caller speaks: how its requests read, and how answers and errors are written for it. */
public interface InboundDialect {

  Dialect dialect();

  /** Reads and checks a request body; an {@link ApiError} names the offending field. */
  CanonicalRequest parse(ObjectNode body);

  /** A complete (non-streamed) answer in this dialect. */
  ObjectNode renderAnswer(CanonicalAnswer answer);

  /**
   * An encoder for one streamed answer to {@code request}.
   *
   * @param created epoch seconds of the answer, as its non-streamed body would say
   */
  StreamEncoder streamEncoder(CanonicalRequest request, long created);

  /** An error body in this dialect's shape. */
  default byte[] errorBody(ApiError error) {
    return ErrorRenderer.body(dialect(), error);
  }

  static InboundDialect of(Dialect dialect) {
    return switch (dialect) {
      case chat -> new ChatDialect();
      case completions -> new CompletionsDialect();
      case responses -> new ResponsesDialect();
      case messages -> new MessagesDialect();
    };
  }
}
