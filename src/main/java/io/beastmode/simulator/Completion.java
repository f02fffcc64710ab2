package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.Reply.ToolCall;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated model's answer as OpenAI and OpenAI-compatible servers shape it: a JSON body or
 * server-sent events, with vLLM's reasoning_content for thinking; Azure's adds its content filter
 * results.
 */
final class Completion implements StreamedReply {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final String[] FILTER_CATEGORIES = {"hate", "self_harm", "sexual", "violence"};

  private final CompletionRequest request;
  private final Reply reply;
  private final boolean azure;
  private final String id;
  private final long created;
  private final List<String> callIds = new ArrayList<>();

  private Completion(CompletionRequest request, Reply reply, boolean azure) {
    this.request = request;
    this.reply = reply;
    this.azure = azure;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    this.id = request.endpoint().idPrefix + Long.toHexString(random.nextLong());
    this.created = System.currentTimeMillis() / 1000;
    for (int i = 0; i < reply.toolCalls().size(); i++) {
      callIds.add("call_" + Long.toHexString(random.nextLong()) + i);
    }
  }

  /**
   * The model's answer: its fixed answer or the echo, cut to max_tokens words, or tool calls; as
   * Azure shapes it when {@code azure}.
   */
  static Completion answer(CompletionRequest request, SimulatedModel model, boolean azure) {
    return new Completion(request, Reply.plan(request, model), azure);
  }

  @Override
  public ObjectNode body() {
    ObjectNode body = envelope(request.endpoint().object);
    if (azure) {
      body.set("prompt_filter_results", promptFilterResults());
    }
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    String content = String.join("", reply.text());
    if (isChat()) {
      ObjectNode message = choice.putObject("message").put("role", "assistant");
      if (content.isEmpty() && !reply.toolCalls().isEmpty()) {
        message.putNull("content");
      } else {
        message.put("content", content);
      }
      if (!reply.thinking().isEmpty()) {
        message.put("reasoning_content", String.join("", reply.thinking()));
      }
      if (!reply.toolCalls().isEmpty()) {
        ArrayNode calls = message.putArray("tool_calls");
        for (int i = 0; i < reply.toolCalls().size(); i++) {
          ToolCall call = reply.toolCalls().get(i);
          calls
              .addObject()
              .put("id", callIds.get(i))
              .put("type", "function")
              .putObject("function")
              .put("name", call.name())
              .put("arguments", call.arguments());
        }
      }
    } else {
      choice.put("text", content);
    }
    choice.put("finish_reason", finishReason());
    if (azure) {
      choice.set("content_filter_results", filterResults());
    }
    body.set("usage", usage());
    return body;
  }

  /**
   * One event per word of reasoning or text and per piece of tool arguments; an empty answer still
   * sends one, so a chat stream names the role. Parallel tool calls are announced first and their
   * arguments interleaved, which clients must put back together by index.
   */
  @Override
  public List<Buffer> contentEvents() {
    var deltas = new ArrayList<ObjectNode>();
    if (!isChat()) {
      for (String word : reply.text()) {
        deltas.add(JsonNodeFactory.instance.objectNode().put("text", word));
      }
    } else {
      reply.thinking().forEach(word -> deltas.add(delta().put("reasoning_content", word)));
      if (reply.textFirst()) {
        reply.text().forEach(word -> deltas.add(delta().put("content", word)));
      }
      deltas.addAll(toolCallDeltas());
      if (!reply.textFirst()) {
        reply.text().forEach(word -> deltas.add(delta().put("content", word)));
      }
    }
    if (deltas.isEmpty()) {
      deltas.add(isChat() ? delta().put("content", "") : delta().put("text", ""));
    }
    var events = new ArrayList<Buffer>(deltas.size());
    for (int i = 0; i < deltas.size(); i++) {
      events.add(event(chunk(deltas.get(i), i == 0, null)));
    }
    if (azure && isChat()) {
      // Azure opens a stream with a chunk of no choices, the prompt's filter results.
      events.set(0, event(promptFilterChunk()).appendBuffer(events.get(0)));
    }
    return events;
  }

  /** The chunk with the finish reason, the usage chunk when the client asked for it, [DONE]. */
  @Override
  public Buffer closingEvents() {
    Buffer events = event(chunk(delta(), false, finishReason()));
    if (request.includeUsage()) {
      ObjectNode usageChunk = envelope(request.endpoint().chunkObject);
      usageChunk.putArray("choices");
      usageChunk.set("usage", usage());
      events.appendBuffer(event(usageChunk));
    }
    return events.appendBuffer(DONE);
  }

  /** OpenAI-compatible servers have no error event: a broken stream just stops. */
  @Override
  public Buffer breakingEvent() {
    return null;
  }

  private List<ObjectNode> toolCallDeltas() {
    List<ToolCall> calls = reply.toolCalls();
    var deltas = new ArrayList<ObjectNode>();
    var pieces = new ArrayList<List<String>>();
    for (int i = 0; i < calls.size(); i++) {
      ObjectNode call = toolCallDelta(deltas, i);
      call.put("id", callIds.get(i)).put("type", "function");
      call.putObject("function").put("name", calls.get(i).name()).put("arguments", "");
      pieces.add(ToolArguments.pieces(calls.get(i).arguments()));
    }
    int longest = pieces.stream().mapToInt(List::size).max().orElse(0);
    for (int p = 0; p < longest; p++) {
      for (int i = 0; i < calls.size(); i++) {
        if (p < pieces.get(i).size()) {
          toolCallDelta(deltas, i).putObject("function").put("arguments", pieces.get(i).get(p));
        }
      }
    }
    return deltas;
  }

  /** Adds a delta with one tool call at {@code index} and returns that call. */
  private static ObjectNode toolCallDelta(List<ObjectNode> deltas, int index) {
    ObjectNode delta = delta();
    deltas.add(delta);
    return delta.putArray("tool_calls").addObject().put("index", index);
  }

  private static ObjectNode delta() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** A stream chunk carrying {@code delta}; usage is null until the end. */
  private ObjectNode chunk(ObjectNode delta, boolean first, String finishReason) {
    ObjectNode chunk = envelope(request.endpoint().chunkObject);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    if (isChat()) {
      if (first) {
        ObjectNode withRole = delta().put("role", "assistant");
        withRole.setAll(delta);
        delta = withRole;
      }
      choice.set("delta", delta);
    } else {
      choice.put("text", delta.path("text").asText(""));
    }
    choice.put("finish_reason", finishReason);
    if (request.includeUsage()) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private ObjectNode envelope(String object) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("id", id)
        .put("object", object)
        .put("created", created)
        .put("model", request.model());
  }

  /** prompt_tokens counts every input token, cached_tokens those of them read from the cache. */
  private ObjectNode usage() {
    ObjectNode usage =
        JsonNodeFactory.instance
            .objectNode()
            .put("prompt_tokens", reply.inputTokens())
            .put("completion_tokens", reply.outputTokens())
            .put("total_tokens", reply.inputTokens() + reply.outputTokens());
    if (reply.cacheRead() + reply.cacheWrite() > 0) {
      usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cacheRead());
    }
    if (!reply.thinking().isEmpty()) {
      usage.putObject("completion_tokens_details").put("reasoning_tokens", reply.thinking().size());
    }
    return usage;
  }

  private String finishReason() {
    return switch (reply.stop()) {
      case END, STOP_SEQUENCE -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
    };
  }

  private ObjectNode promptFilterChunk() {
    ObjectNode chunk =
        JsonNodeFactory.instance
            .objectNode()
            .put("id", "")
            .put("object", "")
            .put("created", 0)
            .put("model", "");
    chunk.putArray("choices");
    chunk.set("prompt_filter_results", promptFilterResults());
    return chunk;
  }

  private static ArrayNode promptFilterResults() {
    ArrayNode results = JsonNodeFactory.instance.arrayNode();
    results.addObject().put("prompt_index", 0).set("content_filter_results", filterResults());
    return results;
  }

  private static ObjectNode filterResults() {
    ObjectNode results = JsonNodeFactory.instance.objectNode();
    for (String category : FILTER_CATEGORIES) {
      results.putObject(category).put("filtered", false).put("severity", "safe");
    }
    return results;
  }

  private boolean isChat() {
    return request.endpoint() == Endpoint.CHAT_COMPLETIONS;
  }

  private static Buffer event(ObjectNode data) {
    return Buffer.buffer("data: " + data + "\n\n");
  }
}
