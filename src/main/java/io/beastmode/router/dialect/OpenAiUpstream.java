package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import io.beastmode.router.api.TokenEstimate;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible upstream ({@code /v1/chat/completions}): OpenAI itself, vLLM, llama.cpp, the
 * simulator.
 */
public class OpenAiUpstream implements UpstreamDialect {
  private final boolean reasoningModel;

  /** An upstream whose models may not reason: see {@link #OpenAiUpstream(boolean)}. */
  public OpenAiUpstream() {
    this(false);
  }

  /**
   * @param reasoningModel whether the model takes {@code reasoning_effort}. OpenAI refuses it for
   *     models that do not reason, so an Anthropic caller's thinking budget (Claude Code always
   *     sends one) becomes an effort only for a model that does; an effort an OpenAI caller asked
   *     for itself is passed on either way.
   */
  public OpenAiUpstream(boolean reasoningModel) {
    this.reasoningModel = reasoningModel;
  }

  @Override
  public Dialect nativeDialect() {
    return Dialect.chat;
  }

  @Override
  public ObjectNode request(CanonicalRequest request, String upstreamModel) {
    ObjectNode body = Json.object().put("model", upstreamModel);
    ArrayNode messages = body.putArray("messages");
    if (!request.system().isEmpty()) {
      messages.addObject().put("role", "system").put("content", request.systemText());
    }
    for (Message message : request.messages()) {
      if (message.role() == Message.Role.user) {
        writeUser(message.content(), messages);
      } else {
        writeAssistant(message.content(), messages);
      }
    }
    if (!request.tools().isEmpty()) {
      for (Tool tool : request.tools()) {
        if (request.dialect() == Dialect.messages
            && tool.extras().has("type")
            && !"custom".equals(tool.extras().path("type").asText())) {
          throw ApiError.invalid(
              "tools",
              "the tool '"
                  + tool.name()
                  + "' is a server tool of Anthropic's ("
                  + tool.extras().path("type").asText()
                  + ") and the model chosen cannot run it");
        }
      }
      body.set("tools", OpenAiShapes.tools(request.tools()));
      ToolChoice choice = request.toolChoice();
      if (choice.mode() == ToolChoice.Mode.tool) {
        body.putObject("tool_choice")
            .put("type", "function")
            .putObject("function")
            .put("name", choice.name());
      } else if (choice.mode() != ToolChoice.Mode.auto) {
        body.put("tool_choice", OpenAiShapes.word(choice.mode()));
      }
      if (!choice.parallelAllowed()) {
        body.put("parallel_tool_calls", false);
      }
    }
    if (request.maxTokens() > 0) {
      body.put("max_tokens", request.maxTokens());
    }
    if (request.temperature() != null) {
      body.put("temperature", request.temperature());
    }
    if (request.topP() != null) {
      body.put("top_p", request.topP());
    }
    if (!request.stopSequences().isEmpty()) {
      body.set("stop", Json.MAPPER.valueToTree(request.stopSequences()));
    }
    boolean askedAsEffort = request.thinking() != null && request.thinking().has("effort");
    String effort = effort(request.thinking());
    if (effort != null && (askedAsEffort || reasoningModel)) {
      body.put("reasoning_effort", effort);
    }
    if (request.responseFormat() != null) {
      body.set("response_format", OpenAiShapes.responseFormat(request.responseFormat()));
    }
    if (request.user() != null) {
      body.put("user", request.user());
    }
    if (request.stream()) {
      body.put("stream", true);
      // Without it an OpenAI-compatible stream carries no usage at all.
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  /**
   * A user turn: tool results first, each a {@code role: tool} message with string content (what
   * every OpenAI-compatible server accepts), then the rest as one user message.
   */
  private static void writeUser(List<Block> content, ArrayNode messages) {
    List<Block> rest = new ArrayList<>();
    for (Block block : content) {
      if (block instanceof Block.ToolResult r) {
        // OpenAI has no error flag on a tool result: the model reads it in the text. Images in a
        // result have no place in a tool message's string and stay behind.
        String text = r.isError() && !r.text().isEmpty() ? "Error: " + r.text() : r.text();
        messages
            .addObject()
            .put("role", "tool")
            .put("tool_call_id", r.toolUseId())
            .put("content", text);
      } else if (block instanceof Block.Unmapped u && u.dialect() == Dialect.chat) {
        if (u.raw().has("role")) {
          messages.add(u.raw()); // a whole legacy message, as the caller sent it
        } else {
          rest.add(block);
        }
      } else if (block instanceof Block.Unmapped u) {
        throw AnthropicShapes.unmapped(u);
      } else {
        rest.add(block);
      }
    }
    if (rest.isEmpty()) {
      return;
    }
    ObjectNode message = messages.addObject().put("role", "user");
    if (rest.stream().allMatch(b -> b instanceof Block.Text)) {
      message.put("content", joined(rest));
      return;
    }
    ArrayNode parts = message.putArray("content");
    for (Block block : rest) {
      if (block instanceof Block.Text t) {
        parts.addObject().put("type", "text").put("text", t.text());
      } else if (block instanceof Block.Image i) {
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", i.asUrl());
      } else if (block instanceof Block.Unmapped u) {
        parts.add(u.raw());
      }
    }
  }

  /**
   * An assistant turn: its text, and tool calls with arguments as a JSON string. Without text the
   * content is left out rather than sent as null, which some servers refuse. Thinking stays behind:
   * OpenAI's servers take none back.
   */
  private static void writeAssistant(List<Block> content, ArrayNode messages) {
    ObjectNode message = messages.addObject().put("role", "assistant");
    String text = joined(content);
    ArrayNode calls = Json.array();
    for (Block block : content) {
      if (block instanceof Block.ToolUse u) {
        calls.add(OpenAiShapes.toolCall(u));
      } else if (block instanceof Block.Unmapped u) {
        throw AnthropicShapes.unmapped(u);
      }
    }
    if (!text.isEmpty() || calls.isEmpty()) {
      message.put("content", text);
    }
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
  }

  private static String joined(List<Block> blocks) {
    StringBuilder text = new StringBuilder();
    for (Block block : blocks) {
      if (block instanceof Block.Text t) {
        text.append(t.text());
      }
    }
    return text.toString();
  }

  /** OpenAI's reasoning effort for the canonical thinking config, or null for none. */
  static String effort(JsonNode thinking) {
    if (thinking == null || thinking.isNull()) {
      return null;
    }
    if (thinking.path("effort").isTextual()) {
      return thinking.path("effort").textValue();
    }
    if ("disabled".equals(thinking.path("type").asText())) {
      return null;
    }
    long budget = thinking.path("budget_tokens").asLong();
    return budget <= 0 ? null : budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
  }

  @Override
  public CanonicalAnswer parseAnswer(JsonNode body) {
    JsonNode choice = body.path("choices").path(0);
    JsonNode message = choice.path("message");
    List<Block> content = new ArrayList<>();
    String reasoning = reasoningText(message);
    if (!reasoning.isEmpty()) {
      content.add(new Block.Thinking(reasoning, null));
    }
    String text = message.path("content").asText("");
    if (!text.isEmpty()) {
      content.add(new Block.Text(text));
    }
    long chars = reasoning.length() + text.length();
    int position = 0;
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode function = call.path("function");
      String arguments = function.path("arguments").asText("");
      chars += arguments.length();
      content.add(
          new Block.ToolUse(
              call.path("id").asText("call_" + position),
              function.path("name").asText(),
              AnswerAssembler.arguments(arguments)));
      position++;
    }
    JsonNode usage = body.get("usage");
    TokenUsage tokens =
        usage != null && usage.has("prompt_tokens")
            ? TokenUsage.fromOpenAi(usage)
            : new TokenUsage(0, 0, 0, TokenEstimate.ofChars(chars), 0, true);
    return new CanonicalAnswer(
        body.path("id").asText(),
        body.path("model").asText(),
        body.path("created").asLong(),
        content,
        stopReason(choice.path("finish_reason").textValue(), content),
        null,
        tokens);
  }

  /**
   * vLLM and DeepSeek name the reasoning {@code reasoning_content}; some servers {@code reasoning}.
   */
  static String reasoningText(JsonNode messageOrDelta) {
    JsonNode reasoning = messageOrDelta.get("reasoning_content");
    if (reasoning == null || !reasoning.isTextual()) {
      reasoning = messageOrDelta.get("reasoning");
    }
    return reasoning != null && reasoning.isTextual() ? reasoning.textValue() : "";
  }

  /**
   * The stop reason; an answer with tool calls that says {@code stop} (some servers do) is a tool
   * use, streamed or not, so a client runs the tools either way.
   */
  static StopReason stopReason(String finishReason, List<Block> content) {
    StopReason reason = StopReason.fromOpenAi(finishReason);
    if (reason == StopReason.endTurn
        && content.stream().anyMatch(b -> b instanceof Block.ToolUse)) {
      return StopReason.toolUse;
    }
    return reason;
  }

  @Override
  public StreamDecoder streamDecoder(long promptEstimate) {
    return new OpenAiStreamDecoder(promptEstimate);
  }

  @Override
  public UpstreamError parseError(int status, byte[] body) {
    JsonNode parsed = Json.readOrNull(body);
    JsonNode error = parsed == null ? null : parsed.get("error");
    if (error != null && error.isObject()) {
      return new UpstreamError(
          status,
          error.path("type").asText(defaultType(status)),
          error.path("message").asText("the upstream answered " + status));
    }
    if (error != null && error.isTextual()) {
      return new UpstreamError(status, defaultType(status), error.textValue());
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return new UpstreamError(
        status,
        defaultType(status),
        text.isEmpty() ? "the upstream answered " + status : abbreviated(text));
  }

  static String defaultType(int status) {
    return status == 429
        ? "rate_limit_error"
        : status >= 500 ? "server_error" : "invalid_request_error";
  }

  static String abbreviated(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
