package io.beastmode.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.Reply.ToolCall;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated model's answer as Anthropic's Messages API shapes it: a message, or its stream of
 * events. Blocks run one at a time with indices from 0: thinking (with its signature), text, tool
 * uses; the usage of message_start already counts the input, message_delta's is cumulative.
 */
final class AnthropicMessage implements StreamedReply {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CompletionRequest request;
  private final Reply reply;
  private final String id = "msg_01" + randomId(22);
  private final List<String> toolUseIds = new ArrayList<>();

  AnthropicMessage(CompletionRequest request, Reply reply) {
    this.request = request;
    this.reply = reply;
    for (int i = 0; i < reply.toolCalls().size(); i++) {
      toolUseIds.add("toolu_01" + randomId(22));
    }
  }

  static AnthropicMessage answer(CompletionRequest request, SimulatedModel model) {
    return new AnthropicMessage(request, Reply.plan(request, model));
  }

  /** Anthropic's error body; its type follows the status as Anthropic's does. */
  static ObjectNode error(int status, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("type", "error");
    body.putObject("error").put("type", errorType(status)).put("message", message);
    return body;
  }

  static String errorType(int status) {
    return switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 402 -> "billing_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 504 -> "timeout_error";
      case 529 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
  }

  @Override
  public ObjectNode body() {
    ObjectNode message = envelope();
    var content = message.putArray("content");
    for (Block block : blocks()) {
      content.add(block.full());
    }
    message.put("stop_reason", stopReason()).put("stop_sequence", reply.stopSequence());
    message.set("usage", usage(reply.outputTokens()));
    return message;
  }

  /**
   * One event per delta. The first also carries message_start, and every block's start and stop
   * travel with the delta next to them, so pacing follows the content.
   */
  @Override
  public List<Buffer> contentEvents() {
    ObjectNode start = JsonNodeFactory.instance.objectNode().put("type", "message_start");
    ObjectNode message = envelope();
    message.putArray("content");
    message.putNull("stop_reason").putNull("stop_sequence");
    message.set("usage", usage(1));
    start.set("message", message);
    Buffer pending = event("message_start", start);
    var events = new ArrayList<Buffer>();
    List<Block> blocks = blocks();
    for (int index = 0; index < blocks.size(); index++) {
      Block block = blocks.get(index);
      pending.appendBuffer(
          event(
              "content_block_start",
              JsonNodeFactory.instance
                  .objectNode()
                  .put("type", "content_block_start")
                  .put("index", index)
                  .set("content_block", block.start())));
      if (index == 0) {
        pending.appendBuffer(
            event("ping", JsonNodeFactory.instance.objectNode().put("type", "ping")));
      }
      for (ObjectNode delta : block.deltas()) {
        ObjectNode data =
            JsonNodeFactory.instance
                .objectNode()
                .put("type", "content_block_delta")
                .put("index", index);
        data.set("delta", delta);
        events.add(pending.appendBuffer(event("content_block_delta", data)));
        pending = Buffer.buffer();
      }
      pending.appendBuffer(
          event(
              "content_block_stop",
              JsonNodeFactory.instance
                  .objectNode()
                  .put("type", "content_block_stop")
                  .put("index", index)));
    }
    if (events.isEmpty()) {
      events.add(pending);
    } else {
      events.set(events.size() - 1, events.get(events.size() - 1).appendBuffer(pending));
    }
    return events;
  }

  @Override
  public Buffer closingEvents() {
    ObjectNode delta = JsonNodeFactory.instance.objectNode().put("type", "message_delta");
    delta
        .putObject("delta")
        .put("stop_reason", stopReason())
        .put("stop_sequence", reply.stopSequence());
    delta.set("usage", usage(reply.outputTokens()));
    return event("message_delta", delta)
        .appendBuffer(
            event(
                "message_stop", JsonNodeFactory.instance.objectNode().put("type", "message_stop")));
  }

  /** After a 200, Anthropic reports trouble as an error event in the stream. */
  @Override
  public Buffer breakingEvent() {
    return event("error", error(529, "Overloaded"));
  }

  /** A content block: how it is whole, how a stream starts it, and its deltas. */
  private record Block(ObjectNode full, ObjectNode start, List<ObjectNode> deltas) {}

  private List<Block> blocks() {
    var blocks = new ArrayList<Block>();
    if (!reply.thinking().isEmpty()) {
      blocks.add(thinkingBlock());
    }
    boolean text = !reply.text().isEmpty() || reply.toolCalls().isEmpty();
    if (text && reply.textFirst()) {
      blocks.add(textBlock());
    }
    for (int i = 0; i < reply.toolCalls().size(); i++) {
      blocks.add(toolUseBlock(reply.toolCalls().get(i), toolUseIds.get(i)));
    }
    if (text && !reply.textFirst()) {
      blocks.add(textBlock());
    }
    return blocks;
  }

  private Block thinkingBlock() {
    String thinking = String.join("", reply.thinking());
    String signature = AnthropicRequest.signature(thinking);
    ObjectNode full =
        node().put("type", "thinking").put("thinking", thinking).put("signature", signature);
    ObjectNode start = node().put("type", "thinking").put("thinking", "").put("signature", "");
    var deltas = new ArrayList<ObjectNode>();
    for (String word : reply.thinking()) {
      deltas.add(node().put("type", "thinking_delta").put("thinking", word));
    }
    deltas.add(node().put("type", "signature_delta").put("signature", signature));
    return new Block(full, start, deltas);
  }

  /** An empty answer still has its text block, with no delta, as Anthropic sends one. */
  private Block textBlock() {
    ObjectNode full = node().put("type", "text").put("text", String.join("", reply.text()));
    var deltas = new ArrayList<ObjectNode>();
    for (String word : reply.text()) {
      deltas.add(node().put("type", "text_delta").put("text", word));
    }
    return new Block(full, node().put("type", "text").put("text", ""), deltas);
  }

  /** Its input arrives in pieces, the first one empty, as Anthropic sends it. */
  private static Block toolUseBlock(ToolCall call, String id) {
    ObjectNode full = node().put("type", "tool_use").put("id", id).put("name", call.name());
    full.set("input", parse(call.arguments()));
    ObjectNode start = node().put("type", "tool_use").put("id", id).put("name", call.name());
    start.putObject("input");
    var deltas = new ArrayList<ObjectNode>();
    deltas.add(node().put("type", "input_json_delta").put("partial_json", ""));
    for (String piece : ToolArguments.pieces(call.arguments())) {
      deltas.add(node().put("type", "input_json_delta").put("partial_json", piece));
    }
    return new Block(full, start, deltas);
  }

  private ObjectNode envelope() {
    ObjectNode message =
        node()
            .put("id", id)
            .put("type", "message")
            .put("role", "assistant")
            .put("model", request.model());
    return message;
  }

  /** input_tokens leaves out what the cache read or wrote, which have fields of their own. */
  private ObjectNode usage(int outputTokens) {
    int cached = reply.cacheRead() + reply.cacheWrite();
    ObjectNode usage =
        node()
            .put("input_tokens", reply.inputTokens() - cached)
            .put("cache_creation_input_tokens", reply.cacheWrite())
            .put("cache_read_input_tokens", reply.cacheRead());
    usage
        .putObject("cache_creation")
        .put("ephemeral_5m_input_tokens", reply.cacheWrite())
        .put("ephemeral_1h_input_tokens", 0);
    return usage.put("output_tokens", outputTokens).put("service_tier", "standard");
  }

  private String stopReason() {
    return switch (reply.stop()) {
      case END -> "end_turn";
      case STOP_SEQUENCE -> "stop_sequence";
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
    };
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("tool arguments are made as JSON", e);
    }
  }

  private static ObjectNode node() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static Buffer event(String type, ObjectNode data) {
    return Buffer.buffer("event: " + type + "\ndata: " + data + "\n\n");
  }

  private static String randomId(int length) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    var id = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      id.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return id.toString();
  }
}
