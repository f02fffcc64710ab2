package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chat completion chunks: a role chunk, content, reasoning and tool call pieces (each tool call
 * under its own {@code index}, its first chunk carrying id and name), a chunk with the same {@code
 * finish_reason} the non-streamed answer has, the usage chunk when the caller asked for one, then
 * {@code [DONE]}.
 */
final class ChatStreamEncoder implements StreamEncoder {
  private final boolean includeUsage;
  private final long created;
  private final Map<Integer, Integer> toolIndexOfBlock = new HashMap<>();
  private String id = "";
  private String model = "";
  private TokenUsage usage = TokenUsage.NONE;

  ChatStreamEncoder(boolean includeUsage, long created) {
    this.includeUsage = includeUsage;
    this.created = created;
  }

  @Override
  public List<byte[]> encode(StreamEvent event) {
    List<byte[]> frames = new ArrayList<>(2);
    if (event instanceof StreamEvent.MessageStart s) {
      id = s.id();
      model = s.model();
      ObjectNode chunk = chunk();
      choice(chunk).putObject("delta").put("role", "assistant").put("content", "");
      frames.add(Sse.data(chunk));
    } else if (event instanceof StreamEvent.BlockStart s) {
      if (s.block() instanceof Block.ToolUse use) {
        int toolIndex = toolIndexOfBlock.size();
        toolIndexOfBlock.put(s.index(), toolIndex);
        ObjectNode chunk = chunk();
        ObjectNode call = choice(chunk).putObject("delta").putArray("tool_calls").addObject();
        call.put("index", toolIndex).put("id", use.id()).put("type", "function");
        call.putObject("function").put("name", use.name()).put("arguments", "");
        frames.add(Sse.data(chunk));
      }
    } else if (event instanceof StreamEvent.BlockDelta d) {
      if (d.kind() == StreamEvent.BlockDelta.Kind.signature) {
        return frames; // chat has no place for a thinking signature
      }
      ObjectNode chunk = chunk();
      ObjectNode delta = choice(chunk).putObject("delta");
      switch (d.kind()) {
        case text -> delta.put("content", d.value());
        case thinking -> delta.put("reasoning_content", d.value());
        default -> {
          ObjectNode call = delta.putArray("tool_calls").addObject();
          call.put("index", toolIndexOfBlock.get(d.index()));
          call.putObject("function").put("arguments", d.value());
        }
      }
      frames.add(Sse.data(chunk));
    } else if (event instanceof StreamEvent.MessageDelta d) {
      usage = d.usage();
      ObjectNode chunk = chunk();
      ObjectNode choice = choice(chunk);
      choice.putObject("delta");
      choice.put("finish_reason", d.stopReason().toOpenAi());
      frames.add(Sse.data(chunk));
    } else if (event instanceof StreamEvent.MessageStop) {
      if (includeUsage) {
        ObjectNode chunk = chunk();
        chunk.putArray("choices");
        chunk.set("usage", usage.toOpenAi());
        frames.add(Sse.data(chunk));
      }
      frames.add(Sse.DONE);
    } else if (event instanceof StreamEvent.StreamError e) {
      ObjectNode error = Json.object();
      error
          .putObject("error")
          .put("message", e.message())
          .put("type", e.errorType())
          .putNull("param")
          .putNull("code");
      frames.add(Sse.data(error));
    }
    return frames;
  }

  private ObjectNode chunk() {
    ObjectNode chunk = Json.object().put("id", id).put("object", "chat.completion.chunk");
    chunk.put("created", created).put("model", model);
    return chunk;
  }

  private static ObjectNode choice(ObjectNode chunk) {
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.putNull("finish_reason");
    return choice;
  }
}
