package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI Responses, in: {@code POST /v1/responses}, stateless. The router keeps no responses, so
 * what needs a stored one ({@code previous_response_id}, {@code conversation}, background mode) is
 * refused, as are OpenAI's built-in server tools; {@code store} is accepted and nothing is stored.
 * Custom (free-form) tools reach other upstreams as functions of one string, {@code input}, and
 * their calls come back as {@code custom_tool_call} items; a client-run {@code tool_search} is left
 * out, so the model sees only the tools sent in full. An instance serves one exchange: it remembers
 * the request's custom tools to render their calls.
 */
public final class ResponsesDialect implements InboundDialect {
  private static final String NAMESPACE_SEPARATOR = "__";
  private final Set<String> customTools = new HashSet<>();
  private final Map<String, String> namespaces = new HashMap<>();

  /**
   * The caller asked for {@code reasoning.encrypted_content}: signed thinking (Anthropic's) is
   * rendered there, text and signature, so the next turn gives it back to the model as it was.
   */
  private boolean encryptedReasoning;

  private static final Set<String> KNOWN =
      Set.of(
          "model",
          "input",
          "instructions",
          "tools",
          "tool_choice",
          "parallel_tool_calls",
          "max_output_tokens",
          "temperature",
          "top_p",
          "stream",
          "reasoning",
          "text",
          "user",
          "metadata",
          "previous_response_id",
          "background",
          "conversation");

  @Override
  public Dialect dialect() {
    return Dialect.responses;
  }

  @Override
  public CanonicalRequest parse(ObjectNode body) {
    refuseState(body);
    ArrayNode include = Fields.optionalArray(body, "include", "include");
    for (int i = 0; include != null && i < include.size(); i++) {
      encryptedReasoning |= "reasoning.encrypted_content".equals(include.get(i).asText());
    }
    String model = Fields.requiredString(body, "model", "model");
    List<Block.Text> system = new ArrayList<>();
    String instructions = Fields.optionalString(body, "instructions", "instructions");
    if (instructions != null) {
      system.add(new Block.Text(instructions));
    }
    List<Message> messages = new ArrayList<>();
    JsonNode input = body.get("input");
    if (Fields.absent(input)) {
      throw ApiError.invalid("input", "'input' is required");
    } else if (input.isTextual()) {
      messages.add(new Message(Message.Role.user, List.of(new Block.Text(input.textValue()))));
    } else if (input.isArray()) {
      for (int i = 0; i < input.size(); i++) {
        readItem(input.get(i), "input[" + i + "]", system, messages);
      }
    } else {
      throw ApiError.invalid("input", "'input' must be a string or an array of items");
    }
    ObjectNode text = Fields.optionalObject(body, "text", "text");
    JsonNode format = text == null ? null : text.get("format");
    Integer maxTokens = Fields.optionalInt(body, "max_output_tokens", 1);
    return new CanonicalRequest(
        Dialect.responses,
        model,
        system,
        messages,
        tools(body.get("tools")),
        toolChoice(body),
        maxTokens == null ? 0 : maxTokens,
        Fields.optionalNumber(body, "temperature", 0, 2),
        Fields.optionalNumber(body, "top_p", 0, 1),
        null,
        List.of(),
        Fields.optionalBoolean(body, "stream", false),
        true,
        Fields.optionalObject(body, "reasoning", "reasoning"),
        format == null || "text".equals(format.path("type").asText()) ? null : format,
        Fields.optionalString(body, "user", "user"),
        Fields.optionalObject(body, "metadata", "metadata"),
        Fields.extras(body, KNOWN));
  }

  private static void refuseState(ObjectNode body) {
    if (!Fields.absent(body.get("previous_response_id"))) {
      throw ApiError.invalid(
          "previous_response_id",
          "'previous_response_id' is not supported: this router stores no responses; send the"
              + " whole conversation in 'input'");
    }
    if (!Fields.absent(body.get("conversation"))) {
      throw ApiError.invalid(
          "conversation",
          "'conversation' is not supported: this router stores no conversations; send the whole"
              + " conversation in 'input'");
    }
    if (body.path("background").asBoolean(false)) {
      throw ApiError.invalid(
          "background", "'background' mode is not supported: this router stores no responses");
    }
  }

  private void readItem(JsonNode node, String at, List<Block.Text> system, List<Message> messages) {
    ObjectNode item = Fields.object(node, at);
    String type = item.has("type") ? Fields.requiredString(item, "type", at + ".type") : "message";
    switch (type) {
      case "message" -> {
        String role = Fields.requiredString(item, "role", at + ".role");
        List<Block> content = content(item.get("content"), at + ".content");
        switch (role) {
          case "system", "developer" -> {
            for (Block block : content) {
              if (!(block instanceof Block.Text t)) {
                throw ApiError.invalid(at + ".content", "system content must be text");
              }
              system.add(t);
            }
          }
          case "user" -> append(messages, Message.Role.user, content);
          case "assistant" -> append(messages, Message.Role.assistant, content);
          default ->
              throw ApiError.invalid(
                  at + ".role", "'" + at + ".role' must be user, assistant, system or developer");
        }
      }
      case "function_call" ->
          append(
              messages,
              Message.Role.assistant,
              List.of(
                  new Block.ToolUse(
                      Fields.requiredString(item, "call_id", at + ".call_id"),
                      callName(item, at),
                      Fields.argumentsObject(item.get("arguments"), at + ".arguments"))));
      case "custom_tool_call" ->
          append(
              messages,
              Message.Role.assistant,
              List.of(
                  new Block.ToolUse(
                      Fields.requiredString(item, "call_id", at + ".call_id"),
                      callName(item, at),
                      Json.object()
                          .put("input", Fields.requiredString(item, "input", at + ".input")))));
      case "function_call_output", "custom_tool_call_output" -> {
        JsonNode output = item.get("output");
        List<Block> result;
        if (output != null && output.isTextual()) {
          result = List.of(new Block.Text(output.textValue()));
        } else if (output != null && output.isArray()) {
          result = content(output, at + ".output");
        } else {
          throw ApiError.invalid(at + ".output", "'" + at + ".output' must be a string");
        }
        append(
            messages,
            Message.Role.user,
            List.of(
                new Block.ToolResult(
                    Fields.requiredString(item, "call_id", at + ".call_id"), result, false)));
      }
      case "reasoning" -> {
        String encrypted =
            Fields.optionalString(item, "encrypted_content", at + ".encrypted_content");
        Block.Thinking signed = encrypted == null ? null : signedThinking(encrypted);
        if (signed != null) {
          append(messages, Message.Role.assistant, List.of(signed));
        } else if (encrypted != null) {
          append(messages, Message.Role.assistant, List.of(new Block.RedactedThinking(encrypted)));
        } else {
          StringBuilder text = new StringBuilder();
          for (JsonNode part : item.path("content")) {
            text.append(part.path("text").asText());
          }
          if (!text.isEmpty()) {
            append(
                messages,
                Message.Role.assistant,
                List.of(new Block.Thinking(text.toString(), null)));
          }
        }
      }
      default ->
          throw ApiError.invalid(
              at + ".type",
              "'" + at + ".type' " + type + " is not supported by this stateless router");
    }
  }

  /** Marks the router's own encrypted_content: signed thinking, not an OpenAI model's. */
  private static final String SIGNED_THINKING = "beastmode-thinking-v1:";

  private static String encode(Block.Thinking thinking) {
    ObjectNode both =
        Json.object().put("thinking", thinking.text()).put("signature", thinking.signature());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.bytes(both));
  }

  /** The signed thinking the router put in an encrypted_content, or null for any other. */
  private static Block.Thinking signedThinking(String encrypted) {
    if (!encrypted.startsWith(SIGNED_THINKING)) {
      return null;
    }
    JsonNode both;
    try {
      both =
          Json.readOrNull(
              Base64.getUrlDecoder().decode(encrypted.substring(SIGNED_THINKING.length())));
    } catch (IllegalArgumentException e) {
      both = null;
    }
    if (both == null || !both.path("thinking").isTextual() || !both.path("signature").isTextual()) {
      throw ApiError.invalid("input", "an encrypted_content of this router was altered");
    }
    return new Block.Thinking(both.path("thinking").asText(), both.path("signature").asText());
  }

  /** A call item's tool name, qualified by its namespace when it has one. */
  private static String callName(ObjectNode item, String at) {
    String name = Fields.requiredString(item, "name", at + ".name");
    String namespace = Fields.optionalString(item, "namespace", at + ".namespace");
    return namespace == null ? name : namespace + NAMESPACE_SEPARATOR + name;
  }

  /** Items are turns of their own; consecutive ones of a role make one turn, as in Messages. */
  private static void append(List<Message> messages, Message.Role role, List<Block> content) {
    if (!messages.isEmpty() && messages.get(messages.size() - 1).role() == role) {
      List<Block> joined = new ArrayList<>(messages.get(messages.size() - 1).content());
      joined.addAll(content);
      messages.set(messages.size() - 1, new Message(role, joined));
    } else {
      messages.add(new Message(role, new ArrayList<>(content)));
    }
  }

  private static List<Block> content(JsonNode content, String at) {
    List<Block> blocks = new ArrayList<>();
    if (Fields.absent(content)) {
      throw ApiError.invalid(at, "'" + at + "' is required");
    }
    if (content.isTextual()) {
      blocks.add(new Block.Text(content.textValue()));
      return blocks;
    }
    if (!content.isArray()) {
      throw ApiError.invalid(at, "'" + at + "' must be a string or an array of parts");
    }
    for (int p = 0; p < content.size(); p++) {
      String partAt = at + "[" + p + "]";
      ObjectNode part = Fields.object(content.get(p), partAt);
      String type = Fields.requiredString(part, "type", partAt + ".type");
      switch (type) {
        case "input_text", "output_text" ->
            blocks.add(new Block.Text(Fields.requiredString(part, "text", partAt + ".text")));
        case "refusal" ->
            blocks.add(new Block.Text(Fields.requiredString(part, "refusal", partAt + ".refusal")));
        case "input_image" -> {
          String url = Fields.optionalString(part, "image_url", partAt + ".image_url");
          if (url == null) {
            throw ApiError.invalid(
                partAt + ".image_url",
                "'" + partAt + ".image_url' is required; file ids need stored files");
          }
          blocks.add(Fields.image(url));
        }
        default ->
            throw ApiError.invalid(
                partAt + ".type", "'" + partAt + ".type' " + type + " is not supported");
      }
    }
    return blocks;
  }

  private List<Tool> tools(JsonNode node) {
    List<Tool> tools = new ArrayList<>();
    if (Fields.absent(node)) {
      return tools;
    }
    if (!node.isArray()) {
      throw ApiError.invalid("tools", "'tools' must be an array");
    }
    for (int i = 0; i < node.size(); i++) {
      readTool(node.get(i), "tools[" + i + "]", null, tools);
    }
    return tools;
  }

  private void readTool(JsonNode node, String at, String namespace, List<Tool> tools) {
    ObjectNode tool = Fields.object(node, at);
    String type = Fields.requiredString(tool, "type", at + ".type");
    switch (type) {
      case "function" -> {
        ObjectNode parameters = Fields.optionalObject(tool, "parameters", at + ".parameters");
        tools.add(
            new Tool(
                qualified(namespace, Fields.requiredString(tool, "name", at + ".name")),
                Fields.optionalString(tool, "description", at + ".description"),
                parameters == null ? OpenAiShapes.emptySchema() : parameters,
                Json.without(tool, "type", "name", "description", "parameters")));
      }
      case "custom" -> {
        String name = qualified(namespace, Fields.requiredString(tool, "name", at + ".name"));
        customTools.add(name);
        tools.add(
            new Tool(
                name,
                Fields.optionalString(tool, "description", at + ".description"),
                customSchema(Fields.optionalObject(tool, "format", at + ".format")),
                Json.object()));
      }
      case "namespace" -> {
        if (namespace != null) {
          throw ApiError.invalid(at + ".type", "namespaces do not nest");
        }
        String name = Fields.requiredString(tool, "name", at + ".name");
        ArrayNode inner = Fields.optionalArray(tool, "tools", at + ".tools");
        for (int i = 0; inner != null && i < inner.size(); i++) {
          readTool(inner.get(i), at + ".tools[" + i + "]", name, tools);
        }
      }
      // Run by the client to load deferred tools; only OpenAI's models call it.
      case "tool_search" -> {}
      default ->
          throw ApiError.invalid(
              at + ".type",
              "'"
                  + at
                  + ".type' "
                  + type
                  + " is a built-in tool of OpenAI's servers; this router serves function, custom"
                  + " and namespace tools");
    }
  }

  /**
   * A namespaced tool's name for models without namespaces: {@code namespace__name}, a name every
   * upstream takes; its calls are rendered with the namespace again.
   */
  private String qualified(String namespace, String name) {
    if (namespace == null) {
      return name;
    }
    String qualified = namespace + NAMESPACE_SEPARATOR + name;
    namespaces.put(qualified, namespace);
    return qualified;
  }

  /**
   * A custom tool as a function: one string, {@code input}, in the tool's grammar if it has one.
   */
  private static ObjectNode customSchema(ObjectNode format) {
    ObjectNode schema = Json.object().put("type", "object");
    ObjectNode input = schema.putObject("properties").putObject("input").put("type", "string");
    if (format != null && "grammar".equals(format.path("type").asText())) {
      input.put(
          "description",
          "Free text in this "
              + format.path("syntax").asText("grammar")
              + " grammar:\n"
              + format.path("definition").asText());
    }
    schema.putArray("required").add("input");
    schema.put("additionalProperties", false);
    return schema;
  }

  private static ToolChoice toolChoice(ObjectNode body) {
    boolean parallel = Fields.optionalBoolean(body, "parallel_tool_calls", true);
    JsonNode choice = body.get("tool_choice");
    if (Fields.absent(choice)) {
      return ToolChoice.AUTO.withParallelAllowed(parallel);
    }
    if (choice.isTextual()) {
      return new ToolChoice(OpenAiShapes.mode(choice.textValue()), null, parallel);
    }
    String type = choice.path("type").asText();
    if (choice.isObject()
        && (type.equals("function") || type.equals("custom"))
        && choice.path("name").isTextual()) {
      return new ToolChoice(ToolChoice.Mode.tool, choice.path("name").textValue(), parallel);
    }
    throw ApiError.invalid(
        "tool_choice",
        "'tool_choice' must be none, auto, required or {\"type\":\"function\" or"
            + " \"custom\",\"name\":...}");
  }

  @Override
  public ObjectNode renderAnswer(CanonicalAnswer answer) {
    String id = responseId(answer.id());
    ObjectNode body = head(id, answer.created(), answer.model());
    String incomplete = incompleteReason(answer.stopReason());
    body.put("status", incomplete == null ? "completed" : "incomplete");
    if (incomplete == null) {
      body.putNull("incomplete_details");
    } else {
      body.putObject("incomplete_details").put("reason", incomplete);
    }
    ArrayNode output = body.putArray("output");
    for (int i = 0; i < answer.content().size(); i++) {
      output.add(item(id, i, answer.content().get(i), "completed"));
    }
    body.set("usage", answer.usage().toResponses());
    return body;
  }

  /** The response before any output: what {@code response.created} carries. */
  static ObjectNode head(String id, long created, String model) {
    ObjectNode body = Json.object().put("id", id).put("object", "response");
    body.put("created_at", created).put("status", "in_progress");
    body.putNull("error").putNull("incomplete_details");
    body.put("model", model);
    body.putArray("output");
    body.putNull("usage");
    return body;
  }

  static String responseId(String answerId) {
    return answerId.startsWith("resp_") ? answerId : "resp_" + answerId;
  }

  /** Why a response is incomplete, or null when it is complete. */
  static String incompleteReason(StopReason reason) {
    return switch (reason) {
      case maxTokens -> "max_output_tokens";
      case contentFilter -> "content_filter";
      default -> null;
    };
  }

  /** An output item's id: fixed by the response and its position, the same streamed or not. */
  static String itemId(String prefix, String responseId, int index) {
    return prefix + "_" + responseId.substring(5) + "_" + index;
  }

  /** The output item of one block, whole (or as first announced, with empty text). */
  ObjectNode item(String responseId, int index, Block block, String status) {
    ObjectNode item = Json.object();
    if (block instanceof Block.ToolUse u) {
      boolean custom = custom(block);
      item.put("id", itemId(custom ? "ctc" : "fc", responseId, index));
      item.put("type", custom ? "custom_tool_call" : "function_call");
      item.put("status", status).put("call_id", u.id());
      String namespace = namespaces.get(u.name());
      if (namespace == null) {
        item.put("name", u.name());
      } else {
        item.put("namespace", namespace);
        item.put("name", u.name().substring(namespace.length() + NAMESPACE_SEPARATOR.length()));
      }
      boolean completed = status.equals("completed");
      if (custom) {
        item.put("input", completed ? u.input().path("input").asText() : "");
      } else {
        item.put("arguments", completed ? Json.write(u.input()) : "");
      }
    } else if (block instanceof Block.Thinking t) {
      item.put("id", itemId("rs", responseId, index)).put("type", "reasoning");
      item.putArray("summary");
      ArrayNode content = item.putArray("content");
      if (status.equals("completed")) {
        content.add(reasoningPart(t.text()));
        if (encryptedReasoning && t.signature() != null && !t.signature().isEmpty()) {
          item.put("encrypted_content", SIGNED_THINKING + encode(t));
        }
      }
    } else if (block instanceof Block.RedactedThinking r) {
      item.put("id", itemId("rs", responseId, index)).put("type", "reasoning");
      item.putArray("summary");
      item.put("encrypted_content", r.data());
    } else {
      String text = block instanceof Block.Text t ? t.text() : "";
      item.put("id", itemId("msg", responseId, index)).put("type", "message");
      item.put("status", status).put("role", "assistant");
      ArrayNode content = item.putArray("content");
      if (status.equals("completed")) {
        content.add(textPart(text));
      }
    }
    return item;
  }

  static ObjectNode reasoningPart(String text) {
    return Json.object().put("type", "reasoning_text").put("text", text);
  }

  static ObjectNode textPart(String text) {
    ObjectNode part = Json.object().put("type", "output_text").put("text", text);
    part.putArray("annotations");
    return part;
  }

  /** Whether a block is a call to a custom tool, rendered as a {@code custom_tool_call}. */
  boolean custom(Block block) {
    return block instanceof Block.ToolUse u && customTools.contains(u.name());
  }

  @Override
  public StreamEncoder streamEncoder(CanonicalRequest request, long created) {
    return new ResponsesStreamEncoder(created, this);
  }
}
