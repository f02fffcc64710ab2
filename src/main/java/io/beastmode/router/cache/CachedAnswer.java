package io.beastmode.router.cache;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A complete 200 answer as stored in Redis: a one-line JSON header, then the body exactly as the
 * upstream sent it (a JSON document, or the whole server-sent event stream of a streamed answer).
 *
 * @param model the model that answered
 * @param contentType the upstream's content type, replayed on a hit
 * @param costUsd what the answer cost when it was made; a hit saves it
 * @param expiresAtMillis when the stored copy expires (epoch milliseconds), 0 when not known
 * @param form what the body is: {@link #CANONICAL} (the answer in no dialect in particular), or the
 *     dialect it was written in, with {@code -stream} for a whole event stream ({@code chat},
 *     {@code messages-stream}, ...); null for an entry from before dialects, the request's own form
 */
public record CachedAnswer(
    String model,
    String contentType,
    double costUsd,
    Buffer body,
    long expiresAtMillis,
    String form) {
  /** The form of an answer kept in no dialect in particular, rendered for each caller. */
  public static final String CANONICAL = "canonical";

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private record Header(
      String model, String contentType, double costUsd, long expiresAtMillis, String form) {}

  /** An answer not stored yet, in the form of the request that made it. */
  public CachedAnswer(String model, String contentType, double costUsd, Buffer body) {
    this(model, contentType, costUsd, body, 0, null);
  }

  /** An answer not stored yet, in {@code form}. */
  public CachedAnswer(String model, String contentType, double costUsd, Buffer body, String form) {
    this(model, contentType, costUsd, body, 0, form);
  }

  public CachedAnswer(
      String model, String contentType, double costUsd, Buffer body, long expiresAtMillis) {
    this(model, contentType, costUsd, body, expiresAtMillis, null);
  }

  public CachedAnswer expiringAt(long millis) {
    return new CachedAnswer(model, contentType, costUsd, body, millis, form);
  }

  /**
   * The stored form. The header is written by hand, as Jackson writes {@link Header} (which reads
   * it back): every miss stores its answer, and the object mapper cost a few percent of one.
   */
  public Buffer encode() {
    Buffer stored = Buffer.buffer(96 + body.length()).appendString("{\"model\":");
    appendString(stored, model).appendString(",\"contentType\":");
    appendString(stored, contentType).appendString(",\"costUsd\":");
    if (Double.isFinite(costUsd)) {
      stored.appendString(Double.toString(costUsd));
    } else {
      // Jackson quotes what JSON has no number for.
      appendString(stored, Double.toString(costUsd));
    }
    stored
        .appendString(",\"expiresAtMillis\":")
        .appendString(Long.toString(expiresAtMillis))
        .appendString(",\"form\":");
    return appendString(stored, form).appendString("}\n").appendBuffer(body);
  }

  private static Buffer appendString(Buffer out, String value) {
    if (value == null) {
      return out.appendString("null");
    }
    return out.appendByte((byte) '"')
        .appendBytes(JsonStringEncoder.getInstance().quoteAsUTF8(value))
        .appendByte((byte) '"');
  }

  /** Decodes a stored entry; null when it is not one (written by another version, or damaged). */
  public static CachedAnswer decode(Buffer stored) {
    int newline = -1;
    for (int i = 0; i < stored.length(); i++) {
      if (stored.getByte(i) == '\n') {
        newline = i;
        break;
      }
    }
    if (newline < 0) {
      return null;
    }
    try {
      Header header = JSON.readValue(stored.getBytes(0, newline), Header.class);
      return new CachedAnswer(
          header.model(),
          header.contentType(),
          header.costUsd(),
          stored.getBuffer(newline + 1, stored.length()),
          header.expiresAtMillis(),
          header.form());
    } catch (IOException e) {
      return null;
    }
  }
}
