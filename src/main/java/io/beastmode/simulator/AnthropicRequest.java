package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.CompletionRequest.InvalidRequest;
import io.beastmode.simulator.CompletionRequest.ToolSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An Anthropic Messages request read into a {@link CompletionRequest}, refused where Anthropic
 * would.
 */
final class AnthropicRequest {
  private AnthropicRequest() {}

  static CompletionRequest parse(JsonNode body) {
    return parse(body, true);
  }

  /** A count_tokens request: a Messages request without max_tokens. */
  static CompletionRequest parseForCounting(JsonNode body) {
    return parse(body, false);
  }

  private static CompletionRequest parse(JsonNode body, boolean answering) {
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    if (!body.path("model").isTextual()) {
      throw new InvalidRequest("model: Field required", "model");
    }
    JsonNode maxTokens = body.path("max_tokens");
    if (answering && (!maxTokens.isIntegralNumber() || maxTokens.intValue() < 1)) {
      throw new InvalidRequest("max_tokens: Field required, a positive integer", "max_tokens");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new InvalidRequest("messages: at least one message is required", "messages");
    }
    Conversation conversation = Conversation.read(messages);
    int characters =
        CompletionRequest.text(body.path("system")).length() + conversation.characters();
    JsonNode last = messages.get(messages.size() - 1);
    boolean afterToolResults = false;
    for (JsonNode block : last.path("content")) {
      afterToolResults |= "tool_result".equals(block.path("type").asText());
    }
    JsonNode choice = body.path("tool_choice");
    String thinkingType = body.path("thinking").path("type").asText("");
    if (answering && thinkingType.equals("enabled")) {
      checkBudget(body.path("thinking").path("budget_tokens"), maxTokens.intValue());
    }
    var stopSequences = new ArrayList<String>();
    for (JsonNode sequence : body.path("stop_sequences")) {
      if (!sequence.isTextual() || sequence.asText().isBlank()) {
        throw new InvalidRequest(
            "stop_sequences: each element must contain non-whitespace", "stop_sequences");
      }
      stopSequences.add(sequence.asText());
    }
    return new CompletionRequest(
        Endpoint.MESSAGES,
        body.path("model").asText(),
        conversation.echo(),
        Math.max(1, Tokens.promptTokens(characters)),
        answering ? maxTokens.intValue() : null,
        body.path("stream").asBoolean(false),
        false,
        tools(body.path("tools"), choice),
        choice.path("disable_parallel_tool_use").asBoolean(false),
        conversation.toolRounds(),
        afterToolResults,
        thinkingType.equals("enabled") || thinkingType.equals("adaptive"),
        stopSequences);
  }

  /** As Anthropic: a thinking budget of at least 1024 tokens, below max_tokens. */
  private static void checkBudget(JsonNode budget, int maxTokens) {
    if (!budget.isIntegralNumber() || budget.intValue() < 1024) {
      throw new InvalidRequest(
          "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
          "thinking");
    }
    if (budget.intValue() >= maxTokens) {
      throw new InvalidRequest(
          "`max_tokens` must be greater than `thinking.budget_tokens`", "max_tokens");
    }
  }

  /**
   * What the messages add up to: their characters, the last user text, and the assistant turns that
   * called tools since it. Refused as Anthropic refuses them: a role other than user, assistant or
   * system (a system turn inside the conversation counts as prompt), a thinking block whose
   * signature is not the simulator's, tool results that do not answer exactly the tool uses of the
   * message before.
   */
  private record Conversation(int characters, String echo, int toolRounds) {
    static Conversation read(JsonNode messages) {
      int characters = 0;
      String echo = "";
      int toolRounds = 0;
      Set<String> openToolUses = Set.of();
      for (int i = 0; i < messages.size(); i++) {
        JsonNode message = messages.get(i);
        String role = message.path("role").asText();
        if (role.equals("system")) {
          // A system turn between the others, as Claude Code sends its environment: more prompt.
          characters += CompletionRequest.text(message.path("content")).length();
          continue;
        }
        if (!role.equals("user") && !role.equals("assistant")) {
          throw new InvalidRequest(
              "messages." + i + ".role: Input should be 'user', 'assistant' or 'system'",
              "messages");
        }
        JsonNode content = message.path("content");
        if (!content.isTextual() && !content.isArray()) {
          throw new InvalidRequest("messages." + i + ".content: Field required", "messages");
        }
        Set<String> results = new HashSet<>();
        Set<String> uses = new HashSet<>();
        String text = content.isTextual() ? content.asText() : "";
        for (int j = 0; j < content.size(); j++) {
          JsonNode block = content.get(j);
          String where = "messages." + i + ".content." + j;
          switch (block.path("type").asText()) {
            case "text" -> text += block.path("text").asText("");
            case "tool_use" -> {
              uses.add(block.path("id").asText());
              characters += block.path("input").toString().length();
            }
            case "tool_result" -> {
              results.add(block.path("tool_use_id").asText());
              characters += CompletionRequest.text(block.path("content")).length();
            }
            case "thinking" -> {
              String thinking = block.path("thinking").asText("");
              if (!signature(thinking).equals(block.path("signature").asText())) {
                throw new InvalidRequest(
                    where + ": Invalid `signature` in `thinking` block", "messages");
              }
              characters += thinking.length();
            }
            default -> {}
          }
        }
        characters += text.length();
        if (!results.equals(openToolUses)) {
          throw new InvalidRequest(
              "messages."
                  + i
                  + ": each `tool_use` block must have a corresponding `tool_result` block in the"
                  + " next message, and each `tool_result` block a `tool_use` block in the"
                  + " previous one",
              "messages");
        }
        openToolUses = uses;
        if (role.equals("user") && results.isEmpty()) {
          echo = text;
          toolRounds = 0;
        } else if (!uses.isEmpty()) {
          toolRounds++;
        }
      }
      return new Conversation(characters, echo, toolRounds);
    }
  }

  /** The signature of a thinking block: a thinking block sent back must carry it unchanged. */
  static String signature(String thinking) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("beast-mode simulator\0" + thinking).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Client tools (those with an input schema); server tools are Anthropic's to run. */
  private static List<ToolSpec> tools(JsonNode tools, JsonNode choice) {
    String type = choice.path("type").asText("auto");
    if (type.equals("none")) {
      return List.of();
    }
    String only = type.equals("tool") ? choice.path("name").asText() : null;
    var offered = new ArrayList<ToolSpec>();
    for (JsonNode tool : tools) {
      String name = tool.path("name").asText("");
      if (tool.has("input_schema") && (only == null || only.equals(name))) {
        offered.add(new ToolSpec(name, tool.path("input_schema")));
      }
    }
    return offered;
  }
}
