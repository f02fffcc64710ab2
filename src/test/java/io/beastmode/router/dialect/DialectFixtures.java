package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Helpers the dialect tests share: JSON from text, streams encoded and decoded in pieces. */
final class DialectFixtures {
  private DialectFixtures() {}

  static ObjectNode json(String text) {
    JsonNode node = Json.readOrNull(text);
    if (!(node instanceof ObjectNode object)) {
      throw new IllegalArgumentException("not a JSON object: " + text);
    }
    return object;
  }

  static byte[] encode(StreamEncoder encoder, List<StreamEvent> events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (StreamEvent event : events) {
      encoder.encode(event).forEach(out::writeBytes);
    }
    return out.toByteArray();
  }

  /** Decodes {@code sse} fed in pieces cut at {@code cuts} (byte offsets, ascending). */
  static List<StreamEvent> decode(StreamDecoder decoder, byte[] sse, int... cuts) {
    List<StreamEvent> events = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      int to = Math.min(Math.max(cut, from), sse.length);
      events.addAll(decoder.feed(sse, from, to - from));
      from = to;
    }
    events.addAll(decoder.feed(sse, from, sse.length - from));
    events.addAll(decoder.finish());
    return events;
  }

  /** Decodes {@code sse} one byte at a time: every split, including inside UTF-8 sequences. */
  static List<StreamEvent> decodeBytewise(StreamDecoder decoder, byte[] sse) {
    List<StreamEvent> events = new ArrayList<>();
    for (int i = 0; i < sse.length; i++) {
      events.addAll(decoder.feed(sse, i, 1));
    }
    events.addAll(decoder.finish());
    return events;
  }

  static byte[] sse(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** OpenAI chat chunks as an upstream sends them: each a data frame, then [DONE]. */
  static byte[] openAiStream(String... chunks) {
    StringBuilder sse = new StringBuilder();
    for (String chunk : chunks) {
      sse.append("data: ").append(chunk).append("\n\n");
    }
    sse.append("data: [DONE]\n\n");
    return sse(sse.toString());
  }

  static AnswerAssembler assembled(List<StreamEvent> events) {
    AnswerAssembler assembler = new AnswerAssembler();
    assembler.acceptAll(events);
    return assembler;
  }
}
