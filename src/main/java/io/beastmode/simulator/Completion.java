package io.beastmode.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.simulator.CompletionRequest.Endpoint;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** One answer of a simulated model, as OpenAI shapes it: a JSON body or server-sent events. */
final class Completion {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final CompletionRequest request;
  private final String id;
  private final long created;
  private final List<String> words;
  private final String finishReason;

  private Completion(CompletionRequest request, List<String> words, String finishReason) {
    this.request = request;
    long random = ThreadLocalRandom.current().nextLong();
    this.id = request.endpoint().idPrefix + Long.toHexString(random);
    this.created = System.currentTimeMillis() / 1000;
    this.words = words;
    this.finishReason = finishReason;
  }

  /** The model's fixed answer or the echo, cut to max_tokens words. */
  static Completion answer(CompletionRequest request, SimulatedModel model) {
    List<String> words = Tokens.words(model.answer() != null ? model.answer() : request.echo());
    Integer limit = request.maxTokens();
    if (limit != null && words.size() > limit) {
      return new Completion(request, words.subList(0, limit), "length");
    }
    return new Completion(request, words, "stop");
  }

  ObjectNode body() {
    ObjectNode body = envelope(request.endpoint().object);
    ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
    String content = String.join("", words);
    if (isChat()) {
      choice.putObject("message").put("role", "assistant").put("content", content);
    } else {
      choice.put("text", content);
    }
    choice.put("finish_reason", finishReason);
    body.set("usage", usage());
    return body;
  }

  /** One event per word; an empty answer still sends one, so a chat stream names the role. */
  List<Buffer> wordEvents() {
    List<String> streamed = words.isEmpty() ? List.of("") : words;
    var events = new ArrayList<Buffer>(streamed.size());
    for (int i = 0; i < streamed.size(); i++) {
      events.add(event(chunk(streamed.get(i), i == 0, null)));
    }
    return events;
  }

  /** The chunk with the finish reason, the usage chunk when the client asked for it, [DONE]. */
  Buffer closingEvents() {
    Buffer events = event(chunk(null, false, finishReason));
    if (request.includeUsage()) {
      ObjectNode usageChunk = envelope(request.endpoint().chunkObject);
      usageChunk.putArray("choices");
      usageChunk.set("usage", usage());
      events.appendBuffer(event(usageChunk));
    }
    return events.appendBuffer(DONE);
  }

  /** A stream chunk carrying {@code text}, or nothing when null; usage is null until the end. */
  private ObjectNode chunk(String text, boolean first, String finishReason) {
    ObjectNode chunk = envelope(request.endpoint().chunkObject);
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    if (isChat()) {
      ObjectNode delta = choice.putObject("delta");
      if (first) {
        delta.put("role", "assistant");
      }
      if (text != null) {
        delta.put("content", text);
      }
    } else {
      choice.put("text", text == null ? "" : text);
    }
    choice.put("finish_reason", finishReason);
    if (request.includeUsage()) {
      chunk.putNull("usage");
    }
    return chunk;
  }

  private ObjectNode envelope(String object) {
    return JsonNodeFactory.instance
        .objectNode()
        .put("id", id)
        .put("object", object)
        .put("created", created)
        .put("model", request.model());
  }

  private ObjectNode usage() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("prompt_tokens", request.promptTokens())
        .put("completion_tokens", words.size())
        .put("total_tokens", request.promptTokens() + words.size());
  }

  private boolean isChat() {
    return request.endpoint() == Endpoint.CHAT_COMPLETIONS;
  }

  private static Buffer event(ObjectNode data) {
    return Buffer.buffer("data: " + data + "\n\n");
  }
}
