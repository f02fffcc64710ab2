package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.beastmode.simulator.CompletionRequest.InvalidRequest;
import io.beastmode.simulator.CompletionRequest.ToolSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI Responses request read into a {@link CompletionRequest}. The simulator keeps no
 * responses, so previous_response_id is refused; the input carries the whole conversation, as Codex
 * sends it with store: false.
 */
final class ResponsesRequest {
  private ResponsesRequest() {}

  static CompletionRequest parse(JsonNode body) {
    if (!body.isObject()) {
      throw new InvalidRequest("The request body must be a JSON object.", null);
    }
    if (!body.path("model").isTextual()) {
      throw new InvalidRequest("Missing required parameter: 'model'.", "model");
    }
    if (body.hasNonNull("previous_response_id")) {
      throw new InvalidRequest(
          "previous_response_id is not supported: this server stores no responses.",
          "previous_response_id");
    }
    JsonNode input = body.path("input");
    if (!input.isTextual() && !input.isArray()) {
      throw new InvalidRequest("Missing required parameter: 'input'.", "input");
    }
    Items items =
        input.isTextual()
            ? new Items(input.asText().length(), input.asText(), 0, false)
            : Items.read(input);
    JsonNode tools = body.path("tools");
    return new CompletionRequest(
        Endpoint.RESPONSES,
        body.path("model").asText(),
        items.echo(),
        Tokens.promptTokens(body.path("instructions").asText("").length() + items.characters()),
        maxOutputTokens(body),
        body.path("stream").asBoolean(false),
        false,
        tools(tools, body.path("tool_choice")),
        !body.path("parallel_tool_calls").asBoolean(true),
        items.toolRounds(),
        items.afterToolResults(),
        CompletionRequest.asksForReasoning(body),
        List.of());
  }

  /**
   * What the input items add up to: their characters, the last user text, the assistant turns that
   * called functions since it, and whether the input ends with function results. A result must
   * answer a function call before it, as OpenAI checks.
   */
  private record Items(int characters, String echo, int toolRounds, boolean afterToolResults) {
    static Items read(JsonNode input) {
      int characters = 0;
      String echo = "";
      int toolRounds = 0;
      boolean inCalls = false;
      boolean afterResults = false;
      Set<String> calls = new HashSet<>();
      for (JsonNode item : input) {
        String type = item.path("type").asText("message");
        afterResults = type.equals("function_call_output");
        switch (type) {
          case "message" -> {
            String text = CompletionRequest.text(item.path("content"));
            characters += text.length();
            if (item.path("role").asText().equals("user")) {
              echo = text;
              toolRounds = 0;
            }
          }
          case "function_call" -> {
            calls.add(item.path("call_id").asText());
            characters += item.path("arguments").asText("").length();
            toolRounds += inCalls ? 0 : 1;
          }
          case "function_call_output" -> {
            String callId = item.path("call_id").asText();
            if (!calls.contains(callId)) {
              throw new InvalidRequest(
                  "No tool call found for function call output with call_id " + callId + ".",
                  "input");
            }
            characters += CompletionRequest.text(item.path("output")).length();
          }
          default -> {}
        }
        inCalls = type.equals("function_call");
      }
      return new Items(characters, echo, toolRounds, afterResults);
    }
  }

  /** Function tools in the Responses API's flat form; tool_choice none or a named one followed. */
  private static List<ToolSpec> tools(JsonNode tools, JsonNode choice) {
    if ("none".equals(choice.asText())) {
      return List.of();
    }
    String only = choice.path("name").asText(null);
    var offered = new ArrayList<ToolSpec>();
    for (JsonNode tool : tools) {
      String name = tool.path("name").asText("");
      if ("function".equals(tool.path("type").asText())
          && !name.isEmpty()
          && (only == null || only.equals(name))) {
        offered.add(new ToolSpec(name, tool.path("parameters")));
      }
    }
    return offered;
  }

  private static Integer maxOutputTokens(JsonNode body) {
    JsonNode limit = body.path("max_output_tokens");
    if (limit.isMissingNode() || limit.isNull()) {
      return null;
    }
    if (!limit.isIntegralNumber() || limit.intValue() < 1) {
      throw new InvalidRequest(
          "max_output_tokens must be a positive integer.", "max_output_tokens");
    }
    return limit.intValue();
  }
}
