package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Server-sent event frames: writing them, and reading them back from arbitrary byte chunks. */
public final class Sse {
  static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private Sse() {}

  /** {@code data: <json>} and the blank line, as OpenAI streams. */
  static byte[] data(JsonNode json) {
    byte[] body = Json.bytes(json);
    byte[] frame = new byte[body.length + 8];
    System.arraycopy("data: ".getBytes(StandardCharsets.US_ASCII), 0, frame, 0, 6);
    System.arraycopy(body, 0, frame, 6, body.length);
    frame[frame.length - 2] = '\n';
    frame[frame.length - 1] = '\n';
    return frame;
  }

  /** {@code event: <name>} then {@code data: <json>}, as Anthropic and Responses stream. */
  static byte[] event(String name, JsonNode json) {
    byte[] head = ("event: " + name + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] data = data(json);
    byte[] frame = new byte[head.length + data.length];
    System.arraycopy(head, 0, frame, 0, head.length);
    System.arraycopy(data, 0, frame, head.length, data.length);
    return frame;
  }

  /** One event read back: its name (null when the frame had none) and its data lines joined. */
  public record Frame(String event, String data) {}

  /**
   * Splits a byte stream into frames. Chunks may end anywhere, inside a line or a UTF-8 sequence:
   * bytes are kept until their line ends, and only whole lines are decoded.
   */
  public static final class Reader {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private String event;
    private StringBuilder data;

    public List<Frame> feed(byte[] chunk, int offset, int length) {
      List<Frame> frames = new ArrayList<>();
      for (int i = offset; i < offset + length; i++) {
        byte b = chunk[i];
        if (b == '\n') {
          lineEnded(frames);
        } else {
          line.write(b);
        }
      }
      return frames;
    }

    public List<Frame> feed(byte[] chunk) {
      return feed(chunk, 0, chunk.length);
    }

    /** The frame still open when the stream ended without its blank line. */
    public List<Frame> finish() {
      List<Frame> frames = new ArrayList<>();
      if (line.size() > 0) {
        lineEnded(frames);
      }
      lineEnded(frames);
      return frames;
    }

    private void lineEnded(List<Frame> frames) {
      String text = line.toString(StandardCharsets.UTF_8);
      line.reset();
      if (text.endsWith("\r")) {
        text = text.substring(0, text.length() - 1);
      }
      if (text.isEmpty()) {
        if (data != null) {
          frames.add(new Frame(event, data.toString()));
        }
        event = null;
        data = null;
      } else if (text.startsWith(":")) {
        return; // a comment, sent to keep the connection alive
      } else if (text.startsWith("event:")) {
        event = text.substring(6).strip();
      } else if (text.startsWith("data:")) {
        String value = text.substring(5);
        value = value.startsWith(" ") ? value.substring(1) : value;
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
    }
  }
}
