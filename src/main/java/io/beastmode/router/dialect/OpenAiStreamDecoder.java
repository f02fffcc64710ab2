package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.api.TokenEstimate;
import io.beastmode.router.dialect.StreamEvent.BlockDelta.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads an OpenAI chat completion stream as canonical events, one block at a time.
 *
 * <p>Text and reasoning pass through as they come. A tool call passes through too when every call
 * of a lower {@code index} is out; any other (parallel calls whose pieces interleave) is kept whole
 * and emitted, in index order, when the open block closes. The stop reason waits for the usage
 * chunk that follows {@code finish_reason}; without one, usage is estimated.
 */
final class OpenAiStreamDecoder implements StreamDecoder {
  private enum Open {
    none,
    text,
    thinking,
    tool
  }

  /** A tool call kept until it can be emitted whole. */
  private static final class PendingCall {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }

  private final long promptEstimate;
  private final Sse.Reader reader = new Sse.Reader();
  private final TreeMap<Integer, PendingCall> pending = new TreeMap<>();
  private final Set<Integer> emittedCalls = new HashSet<>();
  private final Map<Integer, Integer> callOfIndex = new HashMap<>();
  private final Map<Integer, String> idOfCall = new HashMap<>();
  private int callCount;
  private boolean started;
  private boolean ended;
  private int nextIndex;
  private Open open = Open.none;
  private int openCall = -1;
  private boolean sawToolUse;
  private String finishReason;
  private TokenUsage reported;
  private long outputChars;

  OpenAiStreamDecoder(long promptEstimate) {
    this.promptEstimate = promptEstimate;
  }

  @Override
  public List<StreamEvent> feed(byte[] chunk, int offset, int length) {
    List<StreamEvent> events = new ArrayList<>();
    for (Sse.Frame frame : reader.feed(chunk, offset, length)) {
      frame(frame.data(), events);
    }
    return events;
  }

  @Override
  public List<StreamEvent> finish() {
    List<StreamEvent> events = new ArrayList<>();
    for (Sse.Frame frame : reader.finish()) {
      frame(frame.data(), events);
    }
    if (!ended) {
      if (finishReason != null) {
        complete(events); // some servers end without [DONE]
      } else {
        ended = true;
        events.add(
            new StreamEvent.StreamError(
                "api_error", "the upstream's stream ended before the answer was complete"));
      }
    }
    return events;
  }

  private void frame(String data, List<StreamEvent> events) {
    if (ended) {
      return;
    }
    if (data.strip().equals("[DONE]")) {
      complete(events);
      return;
    }
    JsonNode chunk = Json.readOrNull(data);
    if (chunk == null || !chunk.isObject()) {
      return;
    }
    JsonNode error = chunk.get("error");
    if (error != null && !error.isNull()) {
      ended = true;
      events.add(
          new StreamEvent.StreamError(
              error.path("type").asText("api_error"),
              error.path("message").asText(error.toString())));
      return;
    }
    // Azure opens with a chunk of prompt filter results and no id: not yet the answer.
    boolean answerChunk =
        !chunk.path("id").asText("").isEmpty() || !chunk.path("choices").isEmpty();
    if (!started && answerChunk) {
      started = true;
      events.add(
          new StreamEvent.MessageStart(
              chunk.path("id").asText(),
              chunk.path("model").asText(),
              new TokenUsage(promptEstimate, 0, 0, 0, 0, true)));
    }
    JsonNode usage = chunk.get("usage");
    if (usage != null && usage.has("prompt_tokens")) {
      reported = TokenUsage.fromOpenAi(usage);
    }
    for (JsonNode choice : chunk.path("choices")) {
      if (choice.path("index").asInt(0) != 0) {
        continue; // n > 1 has no canonical form; the first choice is the answer
      }
      JsonNode delta = choice.path("delta");
      String reasoning = OpenAiUpstream.reasoningText(delta);
      if (!reasoning.isEmpty()) {
        append(Open.thinking, Kind.thinking, reasoning, events);
      }
      String text = delta.path("content").asText("");
      if (!text.isEmpty()) {
        append(Open.text, Kind.text, text, events);
      }
      int position = 0;
      for (JsonNode call : delta.path("tool_calls")) {
        toolCall(
            callIndex(call.path("index").asInt(position), call.path("id").textValue()),
            call,
            events);
        position++;
      }
      if (choice.path("finish_reason").isTextual()) {
        finishReason = choice.path("finish_reason").textValue();
      }
    }
  }

  private void append(Open kind, Kind deltaKind, String value, List<StreamEvent> events) {
    if (open != kind) {
      closeOpen(events);
      flushPending(events);
      events.add(
          new StreamEvent.BlockStart(
              nextIndex, kind == Open.text ? new Block.Text("") : new Block.Thinking("", null)));
      open = kind;
    }
    outputChars += value.length();
    events.add(new StreamEvent.BlockDelta(nextIndex, deltaKind, value));
  }

  /**
   * The call a piece belongs to. Normally its {@code index}; a new id under an index already used
   * (servers that send every call whole as index 0) is a new call, numbered after the others.
   */
  private int callIndex(int upstreamIndex, String id) {
    Integer known = callOfIndex.get(upstreamIndex);
    if (known != null && (id == null || id.equals(idOfCall.get(known)))) {
      return known;
    }
    int call = known == null && !idOfCall.containsKey(upstreamIndex) ? upstreamIndex : callCount;
    callOfIndex.put(upstreamIndex, call);
    idOfCall.put(call, id);
    callCount = Math.max(callCount, call + 1);
    return call;
  }

  private void toolCall(int callIndex, JsonNode call, List<StreamEvent> events) {
    JsonNode function = call.path("function");
    String id = call.path("id").textValue();
    String name = function.path("name").textValue();
    String arguments = function.path("arguments").asText("");
    outputChars += arguments.length();
    if (open == Open.tool && openCall == callIndex) {
      if (!arguments.isEmpty()) {
        events.add(new StreamEvent.BlockDelta(nextIndex, Kind.partialJson, arguments));
      }
      return;
    }
    if (emittedCalls.contains(callIndex)) {
      return; // a piece after its call was closed; a server that does this sends nothing useful
    }
    PendingCall kept = pending.get(callIndex);
    // Live only when every call of a lower index is out: blocks keep the order of the indices.
    if (kept == null && open != Open.tool && name != null && callIndex == emittedCalls.size()) {
      closeOpen(events); // what is pending has higher indices: it comes after this call
      sawToolUse = true;
      events.add(
          new StreamEvent.BlockStart(
              nextIndex, new Block.ToolUse(idOr(id, callIndex), name, Json.object())));
      open = Open.tool;
      openCall = callIndex;
      if (!arguments.isEmpty()) {
        events.add(new StreamEvent.BlockDelta(nextIndex, Kind.partialJson, arguments));
      }
      return;
    }
    if (kept == null) {
      kept = new PendingCall();
      pending.put(callIndex, kept);
    }
    if (id != null) {
      kept.id = id;
    }
    if (name != null) {
      kept.name = name;
    }
    kept.arguments.append(arguments);
  }

  private static String idOr(String id, int callIndex) {
    return id != null ? id : "call_" + callIndex;
  }

  private void closeOpen(List<StreamEvent> events) {
    if (open == Open.none) {
      return;
    }
    events.add(new StreamEvent.BlockStop(nextIndex));
    if (open == Open.tool) {
      emittedCalls.add(openCall);
      openCall = -1;
    }
    nextIndex++;
    open = Open.none;
  }

  /** Emits the calls kept aside, each whole, in the order of their index. */
  private void flushPending(List<StreamEvent> events) {
    while (!pending.isEmpty()) {
      var entry = pending.pollFirstEntry();
      PendingCall call = entry.getValue();
      sawToolUse = true;
      emittedCalls.add(entry.getKey());
      events.add(
          new StreamEvent.BlockStart(
              nextIndex,
              new Block.ToolUse(
                  idOr(call.id, entry.getKey()),
                  call.name == null ? "" : call.name,
                  Json.object())));
      if (!call.arguments.isEmpty()) {
        events.add(
            new StreamEvent.BlockDelta(nextIndex, Kind.partialJson, call.arguments.toString()));
      }
      events.add(new StreamEvent.BlockStop(nextIndex));
      nextIndex++;
    }
  }

  private void complete(List<StreamEvent> events) {
    if (!started) {
      started = true;
      events.add(
          new StreamEvent.MessageStart("", "", new TokenUsage(promptEstimate, 0, 0, 0, 0, true)));
    }
    closeOpen(events);
    flushPending(events);
    TokenUsage usage =
        reported != null
            ? reported
            : new TokenUsage(promptEstimate, 0, 0, TokenEstimate.ofChars(outputChars), 0, true);
    StopReason reason = StopReason.fromOpenAi(finishReason);
    if (reason == StopReason.endTurn && sawToolUse) {
      reason = StopReason.toolUse;
    }
    events.add(new StreamEvent.MessageDelta(reason, null, usage));
    events.add(new StreamEvent.MessageStop());
    ended = true;
  }
}
