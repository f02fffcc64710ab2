package io.beastmode.router.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The text a request asks about, as the learned selection reads it: the user messages of a chat
 * (their text parts), or the prompt of a text completion, one after the other.
 */
public final class PromptText {
  private PromptText() {}

  public static String of(CompletionRequest request) {
    StringBuilder text = new StringBuilder();
    if (request.endpoint() == Endpoint.chat) {
      for (JsonNode message : request.body().path("messages")) {
        if ("user".equals(message.path("role").asText())) {
          append(text, message.get("content"));
        }
      }
    } else {
      append(text, request.body().get("prompt"));
    }
    return text.toString();
  }

  /** The user turns of a chat (at least 1; a text completion is one). */
  public static int userTurns(CompletionRequest request) {
    int turns = 0;
    if (request.endpoint() == Endpoint.chat) {
      for (JsonNode message : request.body().path("messages")) {
        turns += "user".equals(message.path("role").asText()) ? 1 : 0;
      }
    }
    return Math.max(1, turns);
  }

  private static void append(StringBuilder text, JsonNode content) {
    if (content == null) {
      return;
    }
    if (content.isTextual()) {
      separate(text).append(content.textValue());
    } else if (content.isArray()) {
      for (JsonNode part : content) {
        if (part.isTextual()) {
          separate(text).append(part.textValue());
        } else if (part.path("text").isTextual()) {
          separate(text).append(part.path("text").textValue());
        }
      }
    }
  }

  private static StringBuilder separate(StringBuilder text) {
    return text.isEmpty() ? text : text.append('\n');
  }
}
