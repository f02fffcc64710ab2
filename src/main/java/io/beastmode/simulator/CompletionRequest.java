package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a completion request the simulator acts on, whichever API it came to.
 *
 * @param endpoint which API it came to
 * @param model the model id
 * @param echo what an echoing model answers: the last user text, or the prompt
 * @param promptTokens estimated from the characters of all messages, or of the prompt
 * @param maxTokens the most words to answer with, or null for no limit
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether an OpenAI stream ends with a usage chunk
 * @param tools the tools the model may call now (none when tool_choice forbids them)
 * @param oneToolPerTurn the client asked for no parallel tool calls
 * @param toolRounds assistant turns that called tools since the last user text
 * @param afterToolResults the last message hands back tool results
 * @param thinking the request asks for thinking (Anthropic) or reasoning (OpenAI-compatible)
 * @param stopSequences where the answer stops (Anthropic's stop_sequences)
 */
record CompletionRequest(
    Endpoint endpoint,
    String model,
    String echo,
    int promptTokens,
    Integer maxTokens,
    boolean stream,
    boolean includeUsage,
    List<ToolSpec> tools,
    boolean oneToolPerTurn,
    int toolRounds,
    boolean afterToolResults,
    boolean thinking,
    List<String> stopSequences) {

  /** The completion APIs and the names their answers carry. */
  enum Endpoint {
    CHAT_COMPLETIONS("chatcmpl-", "chat.completion", "chat.completion.chunk"),
    COMPLETIONS("cmpl-", "text_completion", "text_completion"),
    MESSAGES("msg_", "message", null),
    RESPONSES("resp_", "response", null);

    final String idPrefix;
    final String object;
    final String chunkObject;

    Endpoint(String idPrefix, String object, String chunkObject) {
      this.idPrefix = idPrefix;
      this.object = object;
      this.chunkObject = chunkObject;
    }
  }

  /** A tool the request offers: its name and the JSON schema of its arguments. */
  record ToolSpec(String name, JsonNode schema) {}

  /** A request the API would refuse with 400; {@code param} names the offending field. */
  static final class InvalidRequest extends RuntimeException {
    final String param;

    InvalidRequest(String message, String param) {
      super(message);
      this.param = param;
    }
  }

  static CompletionRequest parse(Endpoint endpoint, JsonNode body) {
    if (endpoint == Endpoint.MESSAGES) {
      return AnthropicRequest.parse(body);
    }
    if (endpoint == Endpoint.RESPONSES) {
      return ResponsesRequest.parse(body);
    }
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    JsonNode model = body.path("model");
    if (!model.isTextual()) {
      throw new InvalidRequest("You must provide a model parameter.", "model");
    }
    return parse(endpoint, model.asText(), body);
  }

  /** A request whose model is named elsewhere, as Azure's deployment path does. */
  static CompletionRequest parse(Endpoint endpoint, String model, JsonNode body) {
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    String echo;
    int characters;
    List<ToolSpec> tools = List.of();
    int toolRounds = 0;
    boolean afterToolResults = false;
    if (endpoint == Endpoint.CHAT_COMPLETIONS) {
      JsonNode messages = body.path("messages");
      if (!messages.isArray() || messages.isEmpty()) {
        throw new InvalidRequest("messages must be a non-empty array.", "messages");
      }
      checkToolResults(messages);
      echo = "";
      characters = 0;
      for (JsonNode message : messages) {
        String content = text(message.path("content"));
        characters += content.length();
        for (JsonNode call : message.path("tool_calls")) {
          characters += call.path("function").path("arguments").asText("").length();
        }
        switch (message.path("role").asText()) {
          case "user" -> {
            echo = content;
            toolRounds = 0;
          }
          case "assistant" -> toolRounds += message.path("tool_calls").isEmpty() ? 0 : 1;
          default -> {}
        }
      }
      afterToolResults = "tool".equals(messages.get(messages.size() - 1).path("role").asText());
      tools = openAiTools(body);
    } else {
      JsonNode prompt = body.path("prompt");
      if (prompt.isMissingNode() || prompt.isNull()) {
        throw new InvalidRequest("You must provide a prompt parameter.", "prompt");
      }
      echo = text(prompt);
      characters = echo.length();
    }
    return new CompletionRequest(
        endpoint,
        model,
        echo,
        Tokens.promptTokens(characters),
        maxTokens(body),
        body.path("stream").asBoolean(false),
        body.path("stream_options").path("include_usage").asBoolean(false),
        tools,
        !body.path("parallel_tool_calls").asBoolean(true),
        toolRounds,
        afterToolResults,
        asksForReasoning(body),
        List.of());
  }

  /** As OpenAI: every tool call of an assistant message is answered by a tool message next. */
  private static void checkToolResults(JsonNode messages) {
    Set<String> open = new HashSet<>();
    for (JsonNode message : messages) {
      String role = message.path("role").asText();
      if ("tool".equals(role)) {
        if (!open.remove(message.path("tool_call_id").asText())) {
          throw new InvalidRequest(
              "Messages with role 'tool' must be a response to a preceeding message with"
                  + " 'tool_calls'.",
              "messages");
        }
        continue;
      }
      if (!open.isEmpty()) {
        throw new InvalidRequest(
            "An assistant message with 'tool_calls' must be followed by tool messages responding"
                + " to each 'tool_call_id'. The following tool_call_ids did not have response"
                + " messages: "
                + String.join(", ", open),
            "messages");
      }
      for (JsonNode call : message.path("tool_calls")) {
        open.add(call.path("id").asText());
      }
    }
  }

  private static List<ToolSpec> openAiTools(JsonNode body) {
    JsonNode choice = body.path("tool_choice");
    if ("none".equals(choice.asText())) {
      return List.of();
    }
    String only = choice.path("function").path("name").asText(null);
    var tools = new ArrayList<ToolSpec>();
    for (JsonNode tool : body.path("tools")) {
      JsonNode function = tool.path("function");
      String name = function.path("name").asText("");
      if (!name.isEmpty() && (only == null || only.equals(name))) {
        tools.add(new ToolSpec(name, function.path("parameters")));
      }
    }
    return tools;
  }

  /** As vLLM and OpenAI take it: a reasoning effort, or the chat template's thinking switch. */
  static boolean asksForReasoning(JsonNode body) {
    String effort =
        body.path("reasoning_effort").asText(body.path("reasoning").path("effort").asText(""));
    if (!effort.isEmpty() && !"none".equals(effort)) {
      return true;
    }
    JsonNode template = body.path("chat_template_kwargs");
    return template.path("enable_thinking").asBoolean(false)
        || template.path("thinking").asBoolean(false);
  }

  /** max_completion_tokens, which newer clients send instead of max_tokens, wins when both are. */
  private static Integer maxTokens(JsonNode body) {
    JsonNode limit = body.path("max_completion_tokens");
    String param = "max_completion_tokens";
    if (limit.isMissingNode() || limit.isNull()) {
      limit = body.path("max_tokens");
      param = "max_tokens";
    }
    if (limit.isMissingNode() || limit.isNull()) {
      return null;
    }
    if (!limit.canConvertToInt() || !limit.isIntegralNumber() || limit.intValue() < 1) {
      throw new InvalidRequest(param + " must be a positive integer.", param);
    }
    return limit.intValue();
  }

  /** Text of a string, or of an array of strings or content parts ({"type":"text","text":…}). */
  static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    if (!content.isArray()) {
      return "";
    }
    var text = new StringBuilder();
    for (JsonNode part : content) {
      text.append(part.isTextual() ? part.asText() : part.path("text").asText(""));
    }
    return text.toString();
  }
}
