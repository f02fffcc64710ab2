package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of an OpenAI completion request the simulator acts on.
 *
 * @param endpoint which of the two APIs it came to
 * @param model the model id
 * @param echo what an echoing model answers: the last user message, or the prompt
 * @param promptTokens estimated from the characters of all messages, or of the prompt
 * @param maxTokens the most words to answer with, or null for no limit
 * @param stream whether to answer with server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 */
record CompletionRequest(
    Endpoint endpoint,
    String model,
    String echo,
    int promptTokens,
    Integer maxTokens,
    boolean stream,
    boolean includeUsage) {

  /** The two OpenAI completion APIs and the names their answers carry. */
  enum Endpoint {
    CHAT_COMPLETIONS("chatcmpl-", "chat.completion", "chat.completion.chunk"),
    COMPLETIONS("cmpl-", "text_completion", "text_completion");

    final String idPrefix;
    final String object;
    final String chunkObject;

    Endpoint(String idPrefix, String object, String chunkObject) {
      this.idPrefix = idPrefix;
      this.object = object;
      this.chunkObject = chunkObject;
    }
  }

  /** A request OpenAI would refuse with 400; {@code param} names the offending field. */
  static final class InvalidRequest extends RuntimeException {
    final String param;

    InvalidRequest(String message, String param) {
      super(message);
      this.param = param;
    }
  }

  static CompletionRequest parse(Endpoint endpoint, JsonNode body) {
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    JsonNode model = body.path("model");
    if (!model.isTextual()) {
      throw new InvalidRequest("You must provide a model parameter.", "model");
    }
    String echo;
    int characters;
    if (endpoint == Endpoint.CHAT_COMPLETIONS) {
      JsonNode messages = body.path("messages");
      if (!messages.isArray() || messages.isEmpty()) {
        throw new InvalidRequest("messages must be a non-empty array.", "messages");
      }
      echo = "";
      characters = 0;
      for (JsonNode message : messages) {
        String content = text(message.path("content"));
        characters += content.length();
        if ("user".equals(message.path("role").asText())) {
          echo = content;
        }
      }
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
        model.asText(),
        echo,
        Tokens.promptTokens(characters),
        maxTokens(body),
        body.path("stream").asBoolean(false),
        body.path("stream_options").path("include_usage").asBoolean(false));
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
  private static String text(JsonNode content) {
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
