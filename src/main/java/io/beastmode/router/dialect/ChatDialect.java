package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** OpenAI chat completions, in: {@code POST /v1/chat/completions}. */
public final class ChatDialect implements InboundDialect {
  private static final Set<String> KNOWN =
      Set.of(
          "model",
          "messages",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "stream",
          "reasoning_effort",
          "response_format",
          "user",
          "metadata");

  @Override
  public Dialect dialect() {
    return Dialect.chat;
  }

  @Override
  public CanonicalRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model", "model");
    JsonNode messagesNode = body.get("messages");
    if (Fields.absent(messagesNode)) {
      throw ApiError.invalid("messages", "'messages' is required");
    }
    if (!messagesNode.isArray() || messagesNode.isEmpty()) {
      throw ApiError.invalid("messages", "'messages' must be a non-empty array");
    }
    List<Block.Text> system = new ArrayList<>();
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < messagesNode.size(); i++) {
      readMessage(messagesNode.get(i), "messages[" + i + "]", system, messages);
    }
    boolean stream = Fields.optionalBoolean(body, "stream", false);
    ObjectNode streamOptions = Fields.optionalObject(body, "stream_options", "stream_options");
    Integer maxTokens = Fields.optionalInt(body, "max_completion_tokens", 1);
    if (maxTokens == null) {
      maxTokens = Fields.optionalInt(body, "max_tokens", 1);
    }
    String effort = Fields.optionalString(body, "reasoning_effort", "reasoning_effort");
    return new CanonicalRequest(
        Dialect.chat,
        model,
        system,
        messages,
        OpenAiShapes.readTools(body.get("tools")),
        OpenAiShapes.readToolChoice(body),
        maxTokens == null ? 0 : maxTokens,
        Fields.optionalNumber(body, "temperature", 0, 2),
        Fields.optionalNumber(body, "top_p", 0, 1),
        null,
        Fields.stopSequences(body.get("stop"), "stop"),
        stream,
        streamOptions != null && streamOptions.path("include_usage").asBoolean(),
        effort == null ? null : Json.object().put("effort", effort),
        OpenAiShapes.readResponseFormat(body),
        Fields.optionalString(body, "user", "user"),
        Fields.optionalObject(body, "metadata", "metadata"),
        Fields.extras(body, KNOWN));
  }

  private static void readMessage(
      JsonNode node, String at, List<Block.Text> system, List<Message> messages) {
    ObjectNode message = Fields.object(node, at);
    String role = Fields.requiredString(message, "role", at + ".role");
    JsonNode content = message.get("content");
    switch (role) {
      case "system", "developer" -> {
        for (Block block : OpenAiShapes.readContent(content, at + ".content", false)) {
          if (!(block instanceof Block.Text text)) {
            throw ApiError.invalid(at + ".content", "'" + at + ".content' may only hold text");
          }
          system.add(text);
        }
      }
      case "user" -> {
        if (Fields.absent(content)) {
          throw ApiError.invalid(at + ".content", "'" + at + ".content' is required");
        }
        messages.add(
            new Message(
                Message.Role.user, OpenAiShapes.readContent(content, at + ".content", true)));
      }
      case "assistant" -> {
        List<Block> blocks = new ArrayList<>();
        String reasoning = Fields.optionalString(message, "reasoning_content", at);
        if (reasoning != null && !reasoning.isEmpty()) {
          blocks.add(new Block.Thinking(reasoning, null));
        }
        if (!Fields.absent(content)) {
          blocks.addAll(OpenAiShapes.readContent(content, at + ".content", false));
        }
        ArrayNode calls = Fields.optionalArray(message, "tool_calls", at + ".tool_calls");
        if (calls != null) {
          for (int c = 0; c < calls.size(); c++) {
            String callAt = at + ".tool_calls[" + c + "]";
            ObjectNode call = Fields.object(calls.get(c), callAt);
            ObjectNode function = Fields.optionalObject(call, "function", callAt + ".function");
            if (function == null) {
              throw ApiError.invalid(callAt + ".function", "'" + callAt + ".function' is required");
            }
            blocks.add(
                new Block.ToolUse(
                    Fields.requiredString(call, "id", callAt + ".id"),
                    Fields.requiredString(function, "name", callAt + ".function.name"),
                    Fields.argumentsObject(
                        function.get("arguments"), callAt + ".function.arguments")));
          }
        }
        messages.add(new Message(Message.Role.assistant, blocks));
      }
      case "tool" -> {
        String id = Fields.requiredString(message, "tool_call_id", at + ".tool_call_id");
        List<Block> result = OpenAiShapes.readContent(content, at + ".content", false);
        Block.ToolResult block = new Block.ToolResult(id, result, false);
        // Consecutive tool messages answer one assistant turn: one user turn of results.
        Message last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null
            && last.role() == Message.Role.user
            && last.content().stream().allMatch(b -> b instanceof Block.ToolResult)) {
          List<Block> joined = new ArrayList<>(last.content());
          joined.add(block);
          messages.set(messages.size() - 1, new Message(Message.Role.user, joined));
        } else {
          messages.add(new Message(Message.Role.user, new ArrayList<>(List.of(block))));
        }
      }
      // The deprecated result of a legacy function call: only an OpenAI-compatible server reads it.
      case "function" ->
          messages.add(
              new Message(Message.Role.user, List.of(new Block.Unmapped(Dialect.chat, message))));
      default ->
          throw ApiError.invalid(
              at + ".role",
              "'"
                  + at
                  + ".role' must be one of [system, developer, user, assistant, tool, function]");
    }
  }

  @Override
  public ObjectNode renderAnswer(CanonicalAnswer answer) {
    ObjectNode body = Json.object();
    body.put("id", answer.id()).put("object", "chat.completion");
    body.put("created", answer.created()).put("model", answer.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message").put("role", "assistant");
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder();
    ArrayNode calls = Json.array();
    for (Block block : answer.content()) {
      if (block instanceof Block.Text t) {
        text.append(t.text());
      } else if (block instanceof Block.Thinking t) {
        thinking.append(t.text());
      } else if (block instanceof Block.ToolUse u) {
        calls.add(OpenAiShapes.toolCall(u));
      }
    }
    // OpenAI answers null content beside tool calls; clients expect it.
    if (text.isEmpty() && !calls.isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", text.toString());
    }
    if (!thinking.isEmpty()) {
      message.put("reasoning_content", thinking.toString());
    }
    if (!calls.isEmpty()) {
      message.set("tool_calls", calls);
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", answer.stopReason().toOpenAi());
    body.set("usage", answer.usage().toOpenAi());
    return body;
  }

  @Override
  public StreamEncoder streamEncoder(CanonicalRequest request, long created) {
    return new ChatStreamEncoder(request.includeUsage(), created);
  }
}
