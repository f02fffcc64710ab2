package io.beastmode.router;

import io.beastmode.router.api.Endpoint;
import io.beastmode.router.cache.CachedAnswer;
import io.beastmode.router.dialect.AnswerAssembler;
import io.beastmode.router.dialect.AnthropicUpstream;
import io.beastmode.router.dialect.CanonicalAnswer;
import io.beastmode.router.dialect.CanonicalRequest;
import io.beastmode.router.dialect.InboundDialect;
import io.beastmode.router.dialect.Json;
import io.beastmode.router.dialect.OpenAiUpstream;
import io.beastmode.router.dialect.StreamDecoder;
import io.beastmode.router.dialect.StreamEncoder;
import io.beastmode.router.dialect.StreamEvent;
import io.vertx.core.buffer.Buffer;

/**
 * A cached answer as the caller asks for it: the stored bytes when they are in the caller's dialect
 * and stream form already, else the answer read back and written in the caller's dialect, streamed
 * or not.
 */
final class CacheReplay {
  private static final OpenAiUpstream OPENAI = new OpenAiUpstream();
  private static final AnthropicUpstream ANTHROPIC =
      new AnthropicUpstream(AnthropicUpstream.DEFAULT_MAX_TOKENS);

  /** The content type and body to answer with. */
  record Rendered(String contentType, Buffer body) {}

  private CacheReplay() {}

  /**
   * The form an answer to a request on {@code endpoint} is written in, as {@link CachedAnswer#form}
   * names it.
   */
  static String formOf(Endpoint endpoint, boolean stream) {
    return stream ? endpoint.name() + "-stream" : endpoint.name();
  }

  /**
   * The answer for this caller, or null when the stored form cannot be turned into the one asked
   * for (the request then goes on as a miss).
   *
   * @param request the request in the canonical model; null when it could not be read into it (only
   *     an answer in the request's own form is served then)
   */
  static Rendered render(
      CachedAnswer stored,
      Endpoint endpoint,
      InboundDialect inbound,
      CanonicalRequest request,
      boolean stream) {
    String wanted = formOf(endpoint, stream);
    if (stored.form() == null || stored.form().equals(wanted)) {
      return new Rendered(stored.contentType(), stored.body());
    }
    if (request == null) {
      return null;
    }
    CanonicalAnswer answer = read(stored);
    if (answer == null) {
      return null;
    }
    if (!stream) {
      return new Rendered(
          "application/json", Buffer.buffer(Json.bytes(inbound.renderAnswer(answer))));
    }
    StreamEncoder encoder = inbound.streamEncoder(request, answer.created());
    Buffer out = Buffer.buffer();
    for (StreamEvent event : answer.events()) {
      for (byte[] frame : encoder.encode(event)) {
        out.appendBytes(frame);
      }
    }
    return new Rendered("text/event-stream", out);
  }

  /**
   * The text of a stored answer, whatever form it was stored in; null when it cannot be read (a
   * form the router does not decode, or a stream that did not end well).
   */
  static String text(CachedAnswer stored) {
    if (stored.form() == null) {
      return null;
    }
    CanonicalAnswer answer = read(stored);
    return answer == null ? null : answer.text();
  }

  private static CanonicalAnswer read(CachedAnswer stored) {
    switch (stored.form()) {
      case "chat-stream" -> {
        return assemble(OPENAI.streamDecoder(0), stored);
      }
      case "messages-stream" -> {
        return assemble(ANTHROPIC.streamDecoder(0), stored);
      }
      default -> {}
    }
    var body = Json.readOrNull(stored.body().getBytes());
    if (body == null) {
      return null;
    }
    return switch (stored.form()) {
      case CachedAnswer.CANONICAL -> CanonicalAnswer.fromJson(body);
      case "chat" -> OPENAI.parseAnswer(body);
      case "messages" -> ANTHROPIC.parseAnswer(body);
      default -> null;
    };
  }

  /** A stored stream read back into the answer it came to; null when it did not end well. */
  private static CanonicalAnswer assemble(StreamDecoder decoder, CachedAnswer stored) {
    AnswerAssembler assembler = new AnswerAssembler();
    assembler.acceptAll(decoder.feed(stored.body().getBytes()));
    assembler.acceptAll(decoder.finish());
    return assembler.complete() ? assembler.answer(System.currentTimeMillis() / 1000) : null;
  }
}
