package io.beastmode.router.dialect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A caller's body passed on to an upstream of its own dialect: byte for byte, but for the value of
 * the top-level {@code model}. Re-serialising would reorder or respell the body, and a provider's
 * prompt cache (keyed on the exact prefix) would then never hit.
 */
public final class BodySplice {
  private static final JsonFactory FACTORY = new JsonFactory();

  private BodySplice() {}

  /**
   * The body with every top-level {@code model} value replaced by {@code model} (quoted and escaped
   * as JSON). A body without one gets it as its first field.
   *
   * @throws IllegalArgumentException when the body is not a JSON object
   */
  public static byte[] withModel(byte[] body, String model) {
    byte[] value = quoted(model);
    List<long[]> spans = new ArrayList<>(1);
    long objectStart;
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the body is not a JSON object");
      }
      objectStart = parser.currentTokenLocation().getByteOffset();
      JsonToken token;
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        boolean isModel = parser.currentName().equals("model");
        parser.nextToken();
        long start = parser.currentTokenLocation().getByteOffset();
        parser.skipChildren();
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
          parser.finishToken(); // strings are read lazily; their end is known once read
        }
        long end = parser.currentLocation().getByteOffset();
        if (isModel) {
          spans.add(new long[] {start, end});
        }
      }
      if (token != JsonToken.END_OBJECT) {
        throw new IllegalArgumentException("the body is not a JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not valid JSON", e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + value.length + 10);
    if (spans.isEmpty()) {
      int afterBrace = (int) objectStart + 1;
      out.write(body, 0, afterBrace);
      out.writeBytes("\"model\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.writeBytes(value);
      boolean empty =
          new String(body, afterBrace, body.length - afterBrace).strip().startsWith("}");
      if (!empty) {
        out.write(',');
      }
      out.write(body, afterBrace, body.length - afterBrace);
      return out.toByteArray();
    }
    int copied = 0;
    for (long[] span : spans) {
      out.write(body, copied, (int) span[0] - copied);
      out.writeBytes(value);
      copied = (int) span[1];
    }
    out.write(body, copied, body.length - copied);
    return out.toByteArray();
  }

  private static byte[] quoted(String text) {
    byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(text);
    byte[] value = new byte[escaped.length + 2];
    value[0] = '"';
    System.arraycopy(escaped, 0, value, 1, escaped.length);
    value[value.length - 1] = '"';
    return value;
  }
}
