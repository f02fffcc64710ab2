package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An Anthropic upstream ({@code /v1/messages}).
 *
 * @see #DEFAULT_MAX_TOKENS
 */
public final class AnthropicUpstream implements UpstreamDialect {
  /**
   * {@code max_tokens} when the caller set none: Anthropic requires it, and OpenAI's callers may
   * leave it out. 4096 is what every current Claude model can produce.
   */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  public static final String VERSION = "2023-06-01";

  /** The least thinking budget Anthropic takes. */
  static final int MIN_THINKING_BUDGET = 1024;

  private final int defaultMaxTokens;

  /**
   * @param defaultMaxTokens {@code max_tokens} when the caller gave none (the model's maximum
   *     output, or {@link #DEFAULT_MAX_TOKENS})
   */
  public AnthropicUpstream(int defaultMaxTokens) {
    this.defaultMaxTokens = defaultMaxTokens;
  }

  @Override
  public Dialect nativeDialect() {
    return Dialect.messages;
  }

  @Override
  public ObjectNode request(CanonicalRequest request, String upstreamModel) {
    if (request.extras().path("n").asInt(1) > 1) {
      throw ApiError.invalid("n", "'n' must be 1 for Anthropic models: they answer one choice");
    }
    ObjectNode body = Json.object().put("model", upstreamModel);
    ObjectNode thinking = thinking(request.thinking());
    // Anthropic refuses thinking beside a forced tool, or a changed temperature or top-k, or top-p
    // below 0.95. A translated request keeps what the caller asked for most directly.
    boolean forced =
        !request.tools().isEmpty()
            && (request.toolChoice().mode() == ToolChoice.Mode.any
                || request.toolChoice().mode() == ToolChoice.Mode.tool);
    if (forced && request.dialect() != Dialect.messages) {
      thinking = null;
    }
    boolean thinks = thinking != null && "enabled".equals(thinking.path("type").asText());
    boolean sampling = !thinks || request.dialect() == Dialect.messages;
    int maxTokens = request.maxTokens();
    if (maxTokens == 0) {
      maxTokens = defaultMaxTokens;
      long budget = thinking == null ? 0 : thinking.path("budget_tokens").asLong();
      if (budget >= maxTokens) {
        maxTokens = (int) Math.min(Integer.MAX_VALUE, budget + defaultMaxTokens);
      }
    }
    if (thinks && request.dialect() != Dialect.messages) {
      // An OpenAI output limit counts the reasoning too: the budget a reasoning effort stands for
      // must fit below it, and Anthropic thinks with no less than 1024 tokens.
      long budget = thinking.path("budget_tokens").asLong();
      if (budget >= maxTokens) {
        thinking =
            maxTokens > MIN_THINKING_BUDGET
                ? thinking.deepCopy().put("budget_tokens", maxTokens - 1)
                : null;
      }
    }
    body.put("max_tokens", maxTokens);
    if (!request.system().isEmpty()) {
      ArrayNode system = body.putArray("system");
      for (Block.Text text : request.system()) {
        if (!text.text().isEmpty()) {
          system.add(AnthropicShapes.block(text));
        }
      }
    }
    body.set("messages", messages(request.messages()));
    if (request.temperature() != null) {
      if (request.temperature() > 1) {
        throw ApiError.invalid(
            "temperature",
            "'temperature' must be between 0 and 1 for Anthropic models; this request asked "
                + request.temperature());
      }
      if (sampling) {
        body.put("temperature", request.temperature());
      }
    }
    if (request.topP() != null && (sampling || request.topP() >= 0.95)) {
      body.put("top_p", request.topP());
    }
    if (request.topK() != null && sampling) {
      body.put("top_k", request.topK());
    }
    if (!request.stopSequences().isEmpty()) {
      body.set("stop_sequences", Json.MAPPER.valueToTree(request.stopSequences()));
    }
    if (request.stream()) {
      body.put("stream", true);
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool tool : request.tools()) {
        ObjectNode written = tools.addObject().put("name", tool.name());
        if (tool.description() != null) {
          written.put("description", tool.description());
        }
        if (tool.extras().has(OpenAiShapes.OPENAI_TOOL)) {
          throw ApiError.invalid(
              "tools",
              "the tool '"
                  + tool.name()
                  + "' is an OpenAI "
                  + tool.extras().path(OpenAiShapes.OPENAI_TOOL).path("type").asText()
                  + " tool and the model chosen cannot run it");
        }
        written.set("input_schema", tool.inputSchema());
        // Only a Messages caller's extras (cache_control, a tool type) mean anything here.
        if (request.dialect() == Dialect.messages) {
          written.setAll(tool.extras());
        }
      }
      ObjectNode choice = toolChoice(request.toolChoice());
      if (choice != null) {
        body.set("tool_choice", choice);
      }
    }
    if (thinking != null) {
      body.set("thinking", thinking);
    }
    if (request.responseFormat() != null
        && "json_schema".equals(request.responseFormat().path("type").asText())) {
      body.putObject("output_config")
          .putObject("format")
          .put("type", "json_schema")
          .set("schema", request.responseFormat().path("schema"));
    }
    if (request.user() != null) {
      body.putObject("metadata").put("user_id", request.user());
    }
    return body;
  }

  /**
   * Turns as Anthropic takes them: consecutive turns of one role joined, tool results first in
   * their user turn, empty text and unsigned thinking (which Anthropic refuses) left out.
   */
  private static ArrayNode messages(List<Message> messages) {
    ArrayNode written = Json.array();
    Message.Role lastRole = null;
    List<Block> turn = new ArrayList<>();
    for (Message message : messages) {
      if (message.role() != lastRole && !turn.isEmpty()) {
        written.add(turn(lastRole, turn));
        turn = new ArrayList<>();
      }
      lastRole = message.role();
      for (Block block : message.content()) {
        if (block instanceof Block.Text t && t.text().isEmpty()) {
          continue;
        }
        if (block instanceof Block.Thinking t
            && (t.signature() == null || t.signature().isEmpty())) {
          continue;
        }
        turn.add(block);
      }
    }
    if (!turn.isEmpty()) {
      written.add(turn(lastRole, turn));
    }
    return written;
  }

  private static ObjectNode turn(Message.Role role, List<Block> content) {
    List<Block> ordered = new ArrayList<>();
    content.stream().filter(b -> b instanceof Block.ToolResult).forEach(ordered::add);
    content.stream().filter(b -> !(b instanceof Block.ToolResult)).forEach(ordered::add);
    ObjectNode message = Json.object().put("role", role.name());
    message.set("content", AnthropicShapes.content(ordered));
    return message;
  }

  private static ObjectNode toolChoice(ToolChoice choice) {
    if (choice.mode() == ToolChoice.Mode.auto && choice.parallelAllowed()) {
      return null;
    }
    ObjectNode node = Json.object().put("type", choice.mode().name());
    if (choice.mode() == ToolChoice.Mode.tool) {
      node.put("name", choice.name());
    }
    if (!choice.parallelAllowed() && choice.mode() != ToolChoice.Mode.none) {
      node.put("disable_parallel_tool_use", true);
    }
    return node;
  }

  /** Anthropic's thinking config; an OpenAI effort becomes a token budget. */
  static ObjectNode thinking(JsonNode thinking) {
    if (thinking == null || thinking.isNull()) {
      return null;
    }
    if (thinking.has("type")) {
      return Json.without(thinking, "effort", "summary");
    }
    int budget =
        switch (thinking.path("effort").asText("")) {
          case "minimal", "low" -> 1024;
          case "medium" -> 4096;
          case "high", "xhigh" -> 16384;
          default -> 0;
        };
    if (budget == 0) {
      return null;
    }
    return Json.object().put("type", "enabled").put("budget_tokens", budget);
  }

  @Override
  public CanonicalAnswer parseAnswer(JsonNode body) {
    List<Block> content = new ArrayList<>();
    for (JsonNode node : body.path("content")) {
      Block block = answerBlock(node);
      if (block != null) {
        content.add(block);
      }
    }
    return new CanonicalAnswer(
        body.path("id").asText(),
        body.path("model").asText(),
        0,
        content,
        StopReason.fromAnthropic(body.path("stop_reason").textValue()),
        body.path("stop_sequence").textValue(),
        TokenUsage.fromAnthropic(body.path("usage")));
  }

  /**
   * A block of an answer, or null for kinds with no canonical form (server tool use and its
   * results, which only an Anthropic caller could use and which pass-through keeps).
   */
  static Block answerBlock(JsonNode node) {
    return switch (node.path("type").asText()) {
      case "text" -> new Block.Text(node.path("text").asText(), Json.without(node, "type", "text"));
      case "tool_use" ->
          new Block.ToolUse(
              node.path("id").asText(),
              node.path("name").asText(),
              node.path("input").isObject() ? node.path("input") : Json.object());
      case "thinking" ->
          new Block.Thinking(node.path("thinking").asText(), node.path("signature").textValue());
      case "redacted_thinking" -> new Block.RedactedThinking(node.path("data").asText());
      default -> null;
    };
  }

  @Override
  public StreamDecoder streamDecoder(long promptEstimate) {
    return new AnthropicStreamDecoder();
  }

  @Override
  public UpstreamError parseError(int status, byte[] body) {
    JsonNode parsed = Json.readOrNull(body);
    JsonNode error = parsed == null ? null : parsed.get("error");
    if (error != null && error.isObject()) {
      return new UpstreamError(
          status,
          error.path("type").asText(ErrorRenderer.anthropicType(status)),
          error.path("message").asText("the upstream answered " + status));
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return new UpstreamError(
        status,
        ErrorRenderer.anthropicType(status),
        text.isEmpty() ? "the upstream answered " + status : OpenAiUpstream.abbreviated(text));
  }
}
