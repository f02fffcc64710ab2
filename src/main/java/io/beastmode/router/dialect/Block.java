package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One piece of a message's content, the same in every dialect. */
public sealed interface Block {

  /**
   * Text.
   *
   * @param extras fields of the inbound dialect beside the text ({@code cache_control}, {@code
   *     citations}), rendered again only towards an Anthropic upstream
   */
  record Text(String text, ObjectNode extras) implements Block {
    public Text(String text) {
      this(text, Json.object());
    }
  }

  /**
   * An image, either inline ({@code data} in base64 with its media type) or by {@code url}; exactly
   * one of data and url is set.
   */
  record Image(String mediaType, String data, String url) implements Block {
    public static Image inline(String mediaType, String base64) {
      return new Image(mediaType, base64, null);
    }

    public static Image at(String url) {
      return new Image(null, null, url);
    }

    /** The image as a URL, a {@code data:} URL when it is inline. */
    public String asUrl() {
      return url != null ? url : "data:" + mediaType + ";base64," + data;
    }
  }

  /** A call of a tool by the model; {@code input} is always a JSON object. */
  record ToolUse(String id, String name, JsonNode input) implements Block {}

  /** What a tool returned, sent back by the caller: text and images. */
  record ToolResult(String toolUseId, List<Block> content, boolean isError) implements Block {
    /** The result as one string, for dialects where a tool result is a string. */
    public String text() {
      StringBuilder text = new StringBuilder();
      for (Block block : content) {
        if (block instanceof Text t) {
          if (!text.isEmpty()) {
            text.append('\n');
          }
          text.append(t.text());
        }
      }
      return text.toString();
    }
  }

  /** The model's visible reasoning; the signature lets Anthropic check it when it is sent back. */
  record Thinking(String text, String signature) implements Block {}

  /** Reasoning the provider keeps encrypted: opaque data that only goes back where it came from. */
  record RedactedThinking(String data) implements Block {}

  /**
   * A block of the caller's dialect with no canonical form (an Anthropic {@code document} or {@code
   * search_result}, say): written back, as it came, only to an upstream of that dialect; another
   * upstream refuses the request.
   */
  record Unmapped(Dialect dialect, ObjectNode raw) implements Block {}
}
