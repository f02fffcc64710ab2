package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Anthropic Messages, in: {@code POST /v1/messages}. */
public final class MessagesDialect implements InboundDialect {
  private static final Set<String> KNOWN =
      Set.of(
          "model",
          "messages",
          "system",
          "max_tokens",
          "temperature",
          "top_p",
          "top_k",
          "stop_sequences",
          "stream",
          "tools",
          "tool_choice",
          "thinking",
          "metadata");

  @Override
  public Dialect dialect() {
    return Dialect.messages;
  }

  @Override
  public CanonicalRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model", "model");
    Integer maxTokens = Fields.optionalInt(body, "max_tokens", 1);
    if (maxTokens == null) {
      throw ApiError.invalid("max_tokens", "'max_tokens' is required");
    }
    JsonNode messagesNode = body.get("messages");
    if (Fields.absent(messagesNode)) {
      throw ApiError.invalid("messages", "'messages' is required");
    }
    if (!messagesNode.isArray()) {
      throw ApiError.invalid("messages", "'messages' must be an array");
    }
    List<Block.Text> system = system(body.get("system"));
    List<Message> messages = new ArrayList<>();
    for (int i = 0; i < messagesNode.size(); i++) {
      String at = "messages[" + i + "]";
      ObjectNode message = Fields.object(messagesNode.get(i), at);
      String role = Fields.requiredString(message, "role", at + ".role");
      if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
        throw ApiError.invalid(at + ".role", "'" + at + ".role' must be user, assistant or system");
      }
      JsonNode content = message.get("content");
      if (Fields.absent(content)) {
        throw ApiError.invalid(at + ".content", "'" + at + ".content' is required");
      }
      List<Block> blocks = AnthropicShapes.readContent(content, at + ".content");
      if (role.equals("system")) {
        // A system turn inside the conversation (Claude Code sends its environment as one,
        // under a beta flag): its text joins the system prompt, as chat's system messages do.
        for (Block block : blocks) {
          if (!(block instanceof Block.Text text)) {
            throw ApiError.invalid(at + ".content", "system content must be text");
          }
          system.add(text);
        }
        continue;
      }
      messages.add(new Message(Message.Role.valueOf(role), blocks));
    }
    ObjectNode metadata = Fields.optionalObject(body, "metadata", "metadata");
    ObjectNode thinking = Fields.optionalObject(body, "thinking", "thinking");
    return new CanonicalRequest(
        Dialect.messages,
        model,
        system,
        messages,
        tools(body.get("tools")),
        toolChoice(body),
        maxTokens,
        Fields.optionalNumber(body, "temperature", 0, 1),
        Fields.optionalNumber(body, "top_p", 0, 1),
        Fields.optionalInt(body, "top_k", 0),
        Fields.stopSequences(body.get("stop_sequences"), "stop_sequences"),
        Fields.optionalBoolean(body, "stream", false),
        true,
        thinking,
        null,
        metadata == null ? null : metadata.path("user_id").textValue(),
        metadata,
        Fields.extras(body, KNOWN));
  }

  private static List<Block.Text> system(JsonNode node) {
    List<Block.Text> system = new ArrayList<>();
    if (Fields.absent(node)) {
      return system;
    }
    if (node.isTextual()) {
      system.add(new Block.Text(node.textValue()));
      return system;
    }
    if (!node.isArray()) {
      throw ApiError.invalid("system", "'system' must be a string or an array of text blocks");
    }
    for (int i = 0; i < node.size(); i++) {
      if (!(AnthropicShapes.readBlock(node.get(i), "system[" + i + "]") instanceof Block.Text t)) {
        throw ApiError.invalid("system[" + i + "].type", "system blocks must be text");
      }
      system.add(t);
    }
    return system;
  }

  private static List<Tool> tools(JsonNode node) {
    List<Tool> tools = new ArrayList<>();
    if (Fields.absent(node)) {
      return tools;
    }
    if (!node.isArray()) {
      throw ApiError.invalid("tools", "'tools' must be an array");
    }
    for (int i = 0; i < node.size(); i++) {
      String at = "tools[" + i + "]";
      ObjectNode tool = Fields.object(node.get(i), at);
      ObjectNode schema = Fields.optionalObject(tool, "input_schema", at + ".input_schema");
      String type = Fields.optionalString(tool, "type", at + ".type");
      if (schema == null && (type == null || type.equals("custom"))) {
        throw ApiError.invalid(at + ".input_schema", "'" + at + ".input_schema' is required");
      }
      tools.add(
          new Tool(
              Fields.requiredString(tool, "name", at + ".name"),
              Fields.optionalString(tool, "description", at + ".description"),
              schema == null ? OpenAiShapes.emptySchema() : schema,
              Json.without(tool, "name", "description", "input_schema")));
    }
    return tools;
  }

  private static ToolChoice toolChoice(ObjectNode body) {
    ObjectNode choice = Fields.optionalObject(body, "tool_choice", "tool_choice");
    if (choice == null) {
      return ToolChoice.AUTO;
    }
    boolean parallel = !choice.path("disable_parallel_tool_use").asBoolean(false);
    String type = Fields.requiredString(choice, "type", "tool_choice.type");
    return switch (type) {
      case "auto" -> new ToolChoice(ToolChoice.Mode.auto, null, parallel);
      case "any" -> new ToolChoice(ToolChoice.Mode.any, null, parallel);
      case "none" -> new ToolChoice(ToolChoice.Mode.none, null, parallel);
      case "tool" ->
          new ToolChoice(
              ToolChoice.Mode.tool,
              Fields.requiredString(choice, "name", "tool_choice.name"),
              parallel);
      default ->
          throw ApiError.invalid(
              "tool_choice.type", "'tool_choice.type' must be auto, any, tool or none");
    };
  }

  @Override
  public ObjectNode renderAnswer(CanonicalAnswer answer) {
    ObjectNode body = Json.object();
    body.put("id", answer.id()).put("type", "message").put("role", "assistant");
    body.put("model", answer.model());
    ArrayNode content = AnthropicShapes.content(answer.content());
    body.set("content", content);
    body.put("stop_reason", answer.stopReason().toAnthropic());
    body.put("stop_sequence", answer.stopSequence());
    body.set("usage", answer.usage().toAnthropic());
    return body;
  }

  @Override
  public StreamEncoder streamEncoder(CanonicalRequest request, long created) {
    return new MessagesStreamEncoder();
  }
}
