package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.Reply.ToolCall;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A simulated model's answer as OpenAI's Responses API shapes it: a response object, or its stream
 * of events numbered from 0. Output items come reasoning first (as vLLM sends it, reasoning_text
 * content), then the message and the function calls in the model's order; response.completed
 * carries the same response as the body.
 */
final class ResponsesReply implements StreamedReply {
  private final CompletionRequest request;
  private final Reply reply;
  private final String id = "resp_" + hex();
  private final long createdAt = System.currentTimeMillis() / 1000;
  private final List<Item> items;
  private int sequence;

  ResponsesReply(CompletionRequest request, Reply reply) {
    this.request = request;
    this.reply = reply;
    this.items = items();
  }

  static ResponsesReply answer(CompletionRequest request, SimulatedModel model) {
    return new ResponsesReply(request, Reply.plan(request, model));
  }

  @Override
  public ObjectNode body() {
    ObjectNode response = envelope(status());
    ArrayNode output = response.putArray("output");
    items.forEach(item -> output.add(item.done()));
    if (reply.stop() == Reply.Stop.LENGTH) {
      response.putObject("incomplete_details").put("reason", "max_output_tokens");
    } else {
      response.putNull("incomplete_details");
    }
    response.set("usage", usage());
    return response;
  }

  /** One unit per delta; the events that open and close items travel with the delta beside them. */
  @Override
  public List<Buffer> contentEvents() {
    sequence = 0;
    Buffer pending = Buffer.buffer();
    pending.appendBuffer(event(node().put("type", "response.created"), "response", inProgress()));
    pending.appendBuffer(
        event(node().put("type", "response.in_progress"), "response", inProgress()));
    var events = new ArrayList<Buffer>();
    for (int index = 0; index < items.size(); index++) {
      Item item = items.get(index);
      pending.appendBuffer(
          event(
              node().put("type", "response.output_item.added").put("output_index", index),
              "item",
              item.added()));
      if (item.part() != null) {
        pending.appendBuffer(
            event(part(item, index, "response.content_part.added"), "part", item.part()));
      }
      for (String delta : item.deltas()) {
        ObjectNode event =
            node()
                .put("type", item.deltaType())
                .put("item_id", item.id())
                .put("output_index", index);
        if (item.part() != null) {
          event.put("content_index", 0);
        }
        events.add(pending.appendBuffer(event(event.put("delta", delta), null, null)));
        pending = Buffer.buffer();
      }
      pending.appendBuffer(event(item.doneEvent(index), null, null));
      if (item.part() != null) {
        pending.appendBuffer(
            event(part(item, index, "response.content_part.done"), "part", item.donePart()));
      }
      pending.appendBuffer(
          event(
              node().put("type", "response.output_item.done").put("output_index", index),
              "item",
              item.done()));
    }
    if (events.isEmpty()) {
      events.add(pending);
    } else {
      events.set(events.size() - 1, events.get(events.size() - 1).appendBuffer(pending));
    }
    return events;
  }

  /** response.completed, or response.incomplete when max_output_tokens cut the answer. */
  @Override
  public Buffer closingEvents() {
    String type = status().equals("completed") ? "response.completed" : "response.incomplete";
    return event(node().put("type", type), "response", body());
  }

  /** A broken stream just stops, as the chat API's does. */
  @Override
  public Buffer breakingEvent() {
    return null;
  }

  /**
   * An output item: its id, how it is added (empty) and done (whole), its content part if it has
   * one, and the deltas of its text or arguments.
   */
  private record Item(
      String id,
      ObjectNode added,
      ObjectNode done,
      ObjectNode part,
      ObjectNode donePart,
      String deltaType,
      List<String> deltas,
      String doneType,
      String doneField,
      String doneValue) {

    ObjectNode doneEvent(int index) {
      ObjectNode event = node().put("type", doneType).put("item_id", id).put("output_index", index);
      if (part != null) {
        event.put("content_index", 0);
      }
      return event.put(doneField, doneValue);
    }
  }

  private List<Item> items() {
    var items = new ArrayList<Item>();
    if (!reply.thinking().isEmpty()) {
      items.add(reasoning());
    }
    boolean text = !reply.text().isEmpty() || reply.toolCalls().isEmpty();
    if (text && reply.textFirst()) {
      items.add(message());
    }
    for (ToolCall call : reply.toolCalls()) {
      items.add(functionCall(call));
    }
    if (text && !reply.textFirst()) {
      items.add(message());
    }
    return items;
  }

  private Item reasoning() {
    String id = "rs_" + hex();
    String text = String.join("", reply.thinking());
    ObjectNode added = node().put("type", "reasoning").put("id", id);
    added.putArray("summary");
    ObjectNode done = added.deepCopy();
    added.putArray("content");
    done.putArray("content").addObject().put("type", "reasoning_text").put("text", text);
    return new Item(
        id,
        added,
        done,
        null,
        null,
        "response.reasoning_text.delta",
        reply.thinking(),
        "response.reasoning_text.done",
        "text",
        text);
  }

  private Item message() {
    String id = "msg_" + hex();
    String text = String.join("", reply.text());
    ObjectNode added =
        node()
            .put("type", "message")
            .put("id", id)
            .put("status", "in_progress")
            .put("role", "assistant");
    added.putArray("content");
    ObjectNode part = node().put("type", "output_text").put("text", "");
    part.putArray("annotations");
    ObjectNode donePart = part.deepCopy().put("text", text);
    ObjectNode done = added.deepCopy().put("status", "completed");
    done.putArray("content").add(donePart);
    List<String> deltas = reply.text().isEmpty() ? List.of() : reply.text();
    return new Item(
        id,
        added,
        done,
        part,
        donePart,
        "response.output_text.delta",
        deltas,
        "response.output_text.done",
        "text",
        text);
  }

  private Item functionCall(ToolCall call) {
    String id = "fc_" + hex();
    ObjectNode added =
        node()
            .put("type", "function_call")
            .put("id", id)
            .put("call_id", "call_" + hex())
            .put("name", call.name())
            .put("arguments", "")
            .put("status", "in_progress");
    ObjectNode done =
        added.deepCopy().put("arguments", call.arguments()).put("status", "completed");
    return new Item(
        id,
        added,
        done,
        null,
        null,
        "response.function_call_arguments.delta",
        ToolArguments.pieces(call.arguments()),
        "response.function_call_arguments.done",
        "arguments",
        call.arguments());
  }

  private ObjectNode inProgress() {
    ObjectNode response = envelope("in_progress");
    response.putArray("output");
    response.putNull("incomplete_details");
    response.putNull("usage");
    return response;
  }

  private ObjectNode envelope(String status) {
    ObjectNode response =
        node()
            .put("id", id)
            .put("object", "response")
            .put("created_at", createdAt)
            .put("status", status)
            .put("model", request.model());
    response.putNull("error");
    response.put("parallel_tool_calls", !request.oneToolPerTurn());
    response.put("tool_choice", "auto");
    response.putArray("tools");
    response.put("store", false);
    return response;
  }

  private ObjectNode part(Item item, int index, String type) {
    return node()
        .put("type", type)
        .put("item_id", item.id())
        .put("output_index", index)
        .put("content_index", 0);
  }

  private String status() {
    return reply.stop() == Reply.Stop.LENGTH ? "incomplete" : "completed";
  }

  /** input_tokens counts every input token, cached_tokens those of them read from the cache. */
  private ObjectNode usage() {
    ObjectNode usage = node().put("input_tokens", reply.inputTokens());
    usage.putObject("input_tokens_details").put("cached_tokens", reply.cacheRead());
    usage.put("output_tokens", reply.outputTokens());
    usage.putObject("output_tokens_details").put("reasoning_tokens", reply.thinking().size());
    return usage.put("total_tokens", reply.inputTokens() + reply.outputTokens());
  }

  /** An event with its sequence number, and {@code value} under {@code field} when given. */
  private Buffer event(ObjectNode data, String field, ObjectNode value) {
    data.put("sequence_number", sequence++);
    if (field != null) {
      data.set(field, value);
    }
    return Buffer.buffer("event: " + data.get("type").asText() + "\ndata: " + data + "\n\n");
  }

  private static ObjectNode node() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static String hex() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
