package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a streamed answer, as a client receives it, against its dialect's grammar: the rules whose
 * breaking makes SDKs fail or lose content. Each check returns the violations found, empty when the
 * stream is well formed.
 */
public final class StreamGrammar {
  private StreamGrammar() {}

  /** JSON equality where 1, 1L and 1.0 are the same number, as they are on the wire. */
  public static boolean sameJson(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    return a.equals(
        (x, y) ->
            x.isNumber() && y.isNumber()
                ? x.decimalValue().compareTo(y.decimalValue())
                : x.equals(y) ? 0 : 1,
        b);
  }

  private static List<Sse.Frame> frames(byte[] sse) {
    Sse.Reader reader = new Sse.Reader();
    List<Sse.Frame> frames = new ArrayList<>(reader.feed(sse));
    frames.addAll(reader.finish());
    return frames;
  }

  /**
   * Anthropic Messages: {@code message_start} first, with a usage object; blocks one at a time,
   * indices contiguous from 0, deltas only for the open block and of its kind, tool input that
   * parses to an object; exactly one {@code message_delta}, with no block open, then {@code
   * message_stop} last. An {@code error} event may end the stream early.
   */
  public static List<String> messages(byte[] sse) {
    List<String> violations = new ArrayList<>();
    int nextIndex = 0;
    Integer open = null;
    String openType = null;
    StringBuilder json = new StringBuilder();
    int messageDeltas = 0;
    boolean started = false;
    boolean stopped = false;
    for (Sse.Frame frame : frames(sse)) {
      JsonNode data = Json.readOrNull(frame.data());
      if (data == null) {
        violations.add("data is not JSON: " + frame.data());
        continue;
      }
      String type = data.path("type").asText();
      if (frame.event() != null && !frame.event().equals(type)) {
        violations.add("event " + frame.event() + " carries data of type " + type);
      }
      if (stopped) {
        violations.add(type + " after the stream ended");
      }
      if (!started
          && !type.equals("message_start")
          && !type.equals("ping")
          && !type.equals("error")) {
        violations.add(type + " before message_start");
      }
      switch (type) {
        case "message_start" -> {
          if (started) {
            violations.add("a second message_start");
          }
          started = true;
          if (!data.path("message").path("usage").path("input_tokens").isNumber()) {
            violations.add("message_start carries no usage.input_tokens");
          }
        }
        case "content_block_start" -> {
          int index = data.path("index").asInt(-1);
          if (open != null) {
            violations.add("block " + index + " opened while block " + open + " is open");
          }
          if (index != nextIndex) {
            violations.add("block " + index + " opened where " + nextIndex + " was next");
          }
          nextIndex = index + 1;
          open = index;
          openType = data.path("content_block").path("type").asText();
          json.setLength(0);
        }
        case "content_block_delta" -> {
          int index = data.path("index").asInt(-1);
          String deltaType = data.path("delta").path("type").asText();
          if (open == null || open != index) {
            violations.add(deltaType + " for block " + index + ", which is not open");
          } else if (!kindOf(deltaType).equals(openType)) {
            violations.add(deltaType + " in a " + openType + " block");
          }
          if (deltaType.equals("input_json_delta")) {
            json.append(data.path("delta").path("partial_json").asText());
          }
        }
        case "content_block_stop" -> {
          int index = data.path("index").asInt(-1);
          if (open == null || open != index) {
            violations.add("block " + index + " stopped but not open");
          } else if (openType.equals("tool_use") && !json.isEmpty()) {
            JsonNode input = Json.readOrNull(json.toString());
            if (input == null || !input.isObject()) {
              violations.add("tool input of block " + index + " is not a JSON object: " + json);
            }
          }
          open = null;
        }
        case "message_delta" -> {
          messageDeltas++;
          if (open != null) {
            violations.add("message_delta while block " + open + " is open");
          }
          if (!data.path("delta").path("stop_reason").isTextual()) {
            violations.add("message_delta without a stop_reason");
          }
        }
        case "message_stop" -> {
          if (messageDeltas != 1) {
            violations.add(messageDeltas + " message_delta events before message_stop");
          }
          stopped = true;
        }
        case "error" -> stopped = true;
        case "ping" -> {}
        default -> violations.add("unknown event " + type);
      }
    }
    if (!stopped) {
      violations.add("the stream ends without message_stop");
    }
    return violations;
  }

  private static String kindOf(String deltaType) {
    return switch (deltaType) {
      case "text_delta" -> "text";
      case "input_json_delta" -> "tool_use";
      case "thinking_delta", "signature_delta" -> "thinking";
      default -> "?";
    };
  }

  /**
   * OpenAI Responses: {@code sequence_number} strictly increasing from 0, the event name equal to
   * its type, each {@code .done} equal to its deltas joined, items added and done in order, and a
   * last event whose response equals {@code expected} (the non-streamed body), when given.
   */
  public static List<String> responses(byte[] sse, JsonNode expected) {
    List<String> violations = new ArrayList<>();
    long lastSequence = -1;
    Map<String, StringBuilder> deltas = new LinkedHashMap<>();
    int nextItem = 0;
    Integer openItem = null;
    JsonNode last = null;
    for (Sse.Frame frame : frames(sse)) {
      JsonNode data = Json.readOrNull(frame.data());
      if (data == null) {
        violations.add("data is not JSON: " + frame.data());
        continue;
      }
      last = data;
      String type = data.path("type").asText();
      if (frame.event() != null && !frame.event().equals(type)) {
        violations.add("event " + frame.event() + " carries data of type " + type);
      }
      long sequence = data.path("sequence_number").asLong(-1);
      if (!data.path("sequence_number").isIntegralNumber() || sequence != lastSequence + 1) {
        violations.add(type + " has sequence_number " + sequence + " after " + lastSequence);
      }
      lastSequence = sequence;
      String key = data.path("item_id").asText() + "/" + data.path("content_index").asInt(0);
      switch (type) {
        case "response.output_item.added" -> {
          int index = data.path("output_index").asInt(-1);
          if (openItem != null || index != nextItem) {
            violations.add("item " + index + " added; next was " + nextItem + ", open " + openItem);
          }
          openItem = index;
          nextItem = index + 1;
        }
        case "response.output_item.done" -> {
          int index = data.path("output_index").asInt(-1);
          if (openItem == null || openItem != index) {
            violations.add("item " + index + " done but not open");
          }
          openItem = null;
        }
        case "response.output_text.delta",
            "response.function_call_arguments.delta",
            "response.custom_tool_call_input.delta",
            "response.reasoning_text.delta" -> {
          if (openItem == null || openItem != data.path("output_index").asInt(-1)) {
            violations.add(type + " for an item that is not open");
          }
          deltas.computeIfAbsent(key, k -> new StringBuilder()).append(data.path("delta").asText());
        }
        case "response.output_text.done", "response.reasoning_text.done" -> {
          String joined = deltas.getOrDefault(key, new StringBuilder()).toString();
          if (!joined.equals(data.path("text").asText())) {
            violations.add(
                type + " says '" + data.path("text").asText() + "', deltas '" + joined + "'");
          }
        }
        case "response.function_call_arguments.done" -> {
          String joined = deltas.getOrDefault(key, new StringBuilder()).toString();
          if (!joined.equals(data.path("arguments").asText())) {
            violations.add(
                type + " says " + data.path("arguments").asText() + ", deltas " + joined);
          }
        }
        case "response.custom_tool_call_input.done" -> {
          String joined = deltas.getOrDefault(key, new StringBuilder()).toString();
          if (!joined.equals(data.path("input").asText())) {
            violations.add(type + " says " + data.path("input").asText() + ", deltas " + joined);
          }
        }
        default -> {}
      }
    }
    if (last == null) {
      violations.add("the stream is empty");
      return violations;
    }
    String end = last.path("type").asText();
    if (!end.equals("response.completed")
        && !end.equals("response.incomplete")
        && !end.equals("error")
        && !end.equals("response.failed")) {
      violations.add("the stream ends with " + end);
    } else if (expected != null
        && !end.equals("error")
        && !sameJson(expected, last.path("response"))) {
      violations.add(
          end + " carries " + last.path("response") + ", not the non-streamed " + expected);
    }
    return violations;
  }

  /**
   * OpenAI chat: JSON chunks then {@code [DONE]}; content joined equal to the non-streamed {@code
   * expected} message; per tool call index, an id and name first and argument pieces that join into
   * the same JSON as the non-streamed call; one {@code finish_reason}, the same as the non-streamed
   * one; a usage chunk, when sent, equal to the non-streamed usage. Without {@code expected}: one
   * finish_reason, and every tool call with an id, a name and arguments that parse.
   */
  public static List<String> chat(byte[] sse, JsonNode expected) {
    List<String> violations = new ArrayList<>();
    StringBuilder content = new StringBuilder();
    TreeMap<Integer, String[]> calls = new TreeMap<>();
    List<String> finishReasons = new ArrayList<>();
    boolean done = false;
    JsonNode usage = null;
    for (Sse.Frame frame : frames(sse)) {
      if (done) {
        violations.add("data after [DONE]");
      }
      if (frame.data().equals("[DONE]")) {
        done = true;
        continue;
      }
      JsonNode chunk = Json.readOrNull(frame.data());
      if (chunk == null) {
        violations.add("data is not JSON: " + frame.data());
        continue;
      }
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
      for (JsonNode choice : chunk.path("choices")) {
        JsonNode delta = choice.path("delta");
        content.append(delta.path("content").asText(""));
        for (JsonNode call : delta.path("tool_calls")) {
          int index = call.path("index").asInt(-1);
          String[] seen = calls.get(index);
          if (seen == null) {
            if (!call.path("id").isTextual() || !call.path("function").path("name").isTextual()) {
              violations.add("tool call " + index + " starts without an id and a name");
            }
            seen =
                new String[] {
                  call.path("id").asText(), call.path("function").path("name").asText(), ""
                };
            calls.put(index, seen);
          }
          seen[2] += call.path("function").path("arguments").asText("");
        }
        if (choice.path("finish_reason").isTextual()) {
          finishReasons.add(choice.path("finish_reason").textValue());
        }
      }
    }
    if (!done) {
      violations.add("the stream ends without [DONE]");
    }
    if (expected == null) {
      if (finishReasons.size() != 1) {
        violations.add("finish_reason " + finishReasons + ": one expected");
      }
      for (String[] call : calls.values()) {
        if (call[0] == null || call[1] == null || Json.readOrNull(call[2]) == null) {
          violations.add("tool call " + String.join(" ", call) + " is incomplete");
        }
      }
      return violations;
    }
    JsonNode choice = expected.path("choices").path(0);
    if (!finishReasons.equals(List.of(choice.path("finish_reason").asText()))) {
      violations.add(
          "finish_reason " + finishReasons + ", non-streamed " + choice.path("finish_reason"));
    }
    JsonNode message = choice.path("message");
    if (!content.toString().equals(message.path("content").asText(""))) {
      violations.add("content '" + content + "', non-streamed " + message.path("content"));
    }
    JsonNode expectedCalls = message.path("tool_calls");
    if (expectedCalls.size() != calls.size()) {
      violations.add(calls.size() + " tool calls streamed, " + expectedCalls.size() + " expected");
    }
    int position = 0;
    for (var entry : calls.entrySet()) {
      if (entry.getKey() != position) {
        violations.add("tool call indices are not 0.." + (calls.size() - 1));
      }
      JsonNode want = expectedCalls.path(position);
      String[] got = entry.getValue();
      JsonNode arguments = Json.readOrNull(got[2]);
      JsonNode wantArguments = Json.readOrNull(want.path("function").path("arguments").asText());
      if (arguments == null || !sameJson(arguments, wantArguments)) {
        violations.add(
            "tool call " + position + " arguments " + got[2] + ", expected " + wantArguments);
      }
      if (!got[0].equals(want.path("id").asText())
          || !got[1].equals(want.path("function").path("name").asText())) {
        violations.add(
            "tool call " + position + " is " + got[0] + " " + got[1] + ", expected " + want);
      }
      position++;
    }
    if (usage != null && expected.has("usage") && !sameJson(usage, expected.get("usage"))) {
      violations.add("usage " + usage + ", non-streamed " + expected.get("usage"));
    }
    return violations;
  }
}
