package io.beastmode.router.cache.semantic;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * One cached prompt the semantic cache can match: its last user turn, that turn's embedding, and
 * the exact cache key its answer is kept under (so a semantic hit replays the answer the exact
 * cache replays, in any dialect and stream form).
 *
 * @param id unique in the router's region (Redis INCR)
 * @param partition what must match exactly for the two prompts to share an answer, hashed
 * @param prompt the last user turn's text
 * @param vector its unit-length embedding
 * @param answerKey the exact cache key of the answer
 * @param expiresAtMillis when the answer expires from the exact cache
 */
public record SemanticEntry(
    long id,
    String partition,
    String prompt,
    float[] vector,
    String answerKey,
    long expiresAtMillis) {

  private static final int FORMAT = 1;

  public boolean expired(long nowMillis) {
    return nowMillis >= expiresAtMillis;
  }

  /**
   * The entry as a router keeps it beside its index, which holds the vector in its own (smaller)
   * form.
   */
  public SemanticEntry withoutVector() {
    return new SemanticEntry(id, partition, prompt, new float[0], answerKey, expiresAtMillis);
  }

  /** Memory the entry holds outside the index: its texts. */
  public long bytes() {
    return 64L + 2L * (prompt.length() + answerKey.length() + partition.length());
  }

  public Buffer encode() {
    byte[] promptBytes = prompt.getBytes(StandardCharsets.UTF_8);
    byte[] keyBytes = answerKey.getBytes(StandardCharsets.UTF_8);
    byte[] partitionBytes = partition.getBytes(StandardCharsets.UTF_8);
    Buffer out =
        Buffer.buffer(
            32 + vector.length * 4 + promptBytes.length + keyBytes.length + partitionBytes.length);
    out.appendInt(FORMAT).appendLong(id).appendLong(expiresAtMillis).appendInt(vector.length);
    for (float value : vector) {
      out.appendFloat(value);
    }
    appendText(out, partitionBytes);
    appendText(out, promptBytes);
    appendText(out, keyBytes);
    return out;
  }

  /** The entry, or null when the bytes are not one this version wrote. */
  public static SemanticEntry decode(Buffer in) {
    try {
      if (in.length() < 24 || in.getInt(0) != FORMAT) {
        return null;
      }
      long id = in.getLong(4);
      long expiresAt = in.getLong(12);
      int dimensions = in.getInt(20);
      int at = 24;
      float[] vector = new float[dimensions];
      for (int i = 0; i < dimensions; i++, at += 4) {
        vector[i] = in.getFloat(at);
      }
      String partition = readText(in, at);
      at += 4 + in.getInt(at);
      String prompt = readText(in, at);
      at += 4 + in.getInt(at);
      String answerKey = readText(in, at);
      return new SemanticEntry(id, partition, prompt, vector, answerKey, expiresAt);
    } catch (IndexOutOfBoundsException | NegativeArraySizeException e) {
      return null;
    }
  }

  private static void appendText(Buffer out, byte[] text) {
    out.appendInt(text.length).appendBytes(text);
  }

  private static String readText(Buffer in, int at) {
    int length = in.getInt(at);
    return new String(in.getBytes(at + 4, at + 4 + length), StandardCharsets.UTF_8);
  }
}
