package io.beastmode.router.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.TokenEstimate;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A request in no dialect in particular: what the caller asked, read by an inbound adapter and
 * written for an upstream by an outbound one.
 *
 * @param dialect the dialect it was read from
 * @param system system text, one block per system prompt or system message, with their extras
 * @param toolChoice never null; {@link ToolChoice#AUTO} when the caller said nothing
 * @param maxTokens the output limit, 0 when the caller gave none
 * @param temperature null when absent, as are topP, topK
 * @param thinking reasoning asked for: {@code {"effort": "low|medium|high"}} (OpenAI) or {@code
 *     {"type": "enabled", "budget_tokens": N}} (Anthropic), or null
 * @param responseFormat a structured-output format in Responses' flat shape ({@code type}, {@code
 *     name}, {@code schema}, {@code strict}), or null for text
 * @param includeUsage whether a streamed chat answer should end with a usage chunk
 * @param metadata the caller's labels ({@code metadata}), or null
 * @param extras fields of the inbound dialect with no meaning here, for same-dialect use only
 */
public record CanonicalRequest(
    Dialect dialect,
    String model,
    List<Block.Text> system,
    List<Message> messages,
    List<Tool> tools,
    ToolChoice toolChoice,
    int maxTokens,
    Double temperature,
    Double topP,
    Integer topK,
    List<String> stopSequences,
    boolean stream,
    boolean includeUsage,
    JsonNode thinking,
    JsonNode responseFormat,
    String user,
    JsonNode metadata,
    ObjectNode extras) {

  /** Extras that label a request or shape its transport without changing the answer. */
  private static final Set<String> LABELS =
      Set.of("stream_options", "store", "service_tier", "prompt_cache_key", "safety_identifier");

  /** The system text as one string, blocks separated by a newline. */
  public String systemText() {
    StringBuilder text = new StringBuilder();
    for (Block.Text block : system) {
      if (!text.isEmpty()) {
        text.append('\n');
      }
      text.append(block.text());
    }
    return text.toString();
  }

  /** The prompt's size in tokens, estimated from its characters. */
  public int promptEstimate() {
    long chars = systemText().length();
    for (Message message : messages) {
      for (Block block : message.content()) {
        chars += chars(block);
      }
    }
    for (Tool tool : tools) {
      chars +=
          tool.name().length() + (tool.description() == null ? 0 : tool.description().length());
      chars += Json.write(tool.inputSchema()).length();
    }
    return TokenEstimate.ofChars(chars);
  }

  private static long chars(Block block) {
    if (block instanceof Block.Text t) {
      return t.text().length();
    } else if (block instanceof Block.ToolUse u) {
      return u.name().length() + Json.write(u.input()).length();
    } else if (block instanceof Block.ToolResult r) {
      return r.content().stream().mapToLong(CanonicalRequest::chars).sum();
    } else if (block instanceof Block.Thinking t) {
      return t.text().length();
    } else if (block instanceof Block.Unmapped u) {
      return Json.write(u.raw()).length();
    }
    return 0;
  }

  /**
   * The request as the semantic cache reads it.
   *
   * @param context the identity ({@link #cacheIdentity}) of everything but the last user turn:
   *     system prompt, tools, sampling, output format and earlier turns, which must match exactly
   * @param prompt the last user turn's text, compared by meaning
   */
  public record SemanticSplit(String context, String prompt) {}

  /**
   * The split the semantic cache works on; null when the last message is not a user turn of text
   * alone (an image or a tool result is not compared by meaning).
   */
  public SemanticSplit semanticSplit() {
    if (messages.isEmpty()) {
      return null;
    }
    Message last = messages.get(messages.size() - 1);
    if (last.role() != Message.Role.user) {
      return null;
    }
    StringBuilder prompt = new StringBuilder();
    for (Block block : last.content()) {
      if (!(block instanceof Block.Text text)) {
        return null;
      }
      if (!prompt.isEmpty() && !text.text().isEmpty()) {
        prompt.append('\n');
      }
      prompt.append(text.text());
    }
    if (prompt.toString().isBlank()) {
      return null;
    }
    CanonicalRequest earlier =
        new CanonicalRequest(
            dialect,
            model,
            system,
            messages.subList(0, messages.size() - 1),
            tools,
            toolChoice,
            maxTokens,
            temperature,
            topP,
            topK,
            stopSequences,
            stream,
            includeUsage,
            thinking,
            responseFormat,
            user,
            metadata,
            extras);
    return new SemanticSplit(earlier.cacheIdentity(), prompt.toString());
  }

  /**
   * What the answer depends on, as deterministic JSON text for the cache to hash: the same for a
   * chat and a Messages request that mean the same thing. Left out: the dialect, {@code stream} (a
   * streamed and a plain request share an answer), user and metadata labels, cache_control marks,
   * and the way turns were split (consecutive turns of one role are joined, as Anthropic joins
   * them). Every object's fields are sorted and numbers spelled one way ({@code 1}, {@code 1.0} and
   * {@code 1e0} alike): the text is written as it is walked, fields in their sorted order, so no
   * tree is built for it.
   */
  public String cacheIdentity() {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator out = Json.MAPPER.getFactory().createGenerator(text)) {
      writeIdentity(out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return text.toString();
  }

  /** The identity's fields, in sorted order. */
  private void writeIdentity(JsonGenerator out) throws IOException {
    out.writeStartObject();
    List<String> meaningful = new ArrayList<>();
    if (extras != null) {
      extras
          .fieldNames()
          .forEachRemaining(
              field -> {
                if (!LABELS.contains(field)) {
                  meaningful.add(field);
                }
              });
    }
    if (!meaningful.isEmpty()) {
      meaningful.sort(null);
      out.writeObjectFieldStart("extras");
      for (String field : meaningful) {
        out.writeFieldName(field);
        Json.writeNormalised(out, extras.get(field));
      }
      out.writeEndObject();
    }
    out.writeFieldName("maxTokens");
    writeNumber(out, maxTokens);
    out.writeArrayFieldStart("messages");
    Message.Role last = null;
    for (Message message : messages) {
      if (message.role() != last) {
        if (last != null) {
          out.writeEndArray();
          out.writeStringField("role", last.name());
          out.writeEndObject();
        }
        out.writeStartObject();
        out.writeArrayFieldStart("content");
        last = message.role();
      }
      for (Block block : message.content()) {
        if (block instanceof Block.Text t) {
          // An empty text block (chat's "content": "" beside tool calls) says nothing.
          if (!t.text().isEmpty()) {
            out.writeStartObject();
            out.writeStringField("text", t.text());
            out.writeStringField("type", "text");
            out.writeEndObject();
          }
        } else {
          Json.writeNormalised(out, BlockJson.write(block, false));
        }
      }
    }
    if (last != null) {
      out.writeEndArray();
      out.writeStringField("role", last.name());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeStringField("model", model);
    if (!tools.isEmpty()) {
      out.writeBooleanField("parallel", toolChoice.parallelAllowed());
    }
    out.writeFieldName("responseFormat");
    Json.writeNormalised(out, responseFormat);
    out.writeFieldName("stop");
    if (stopSequences == null) {
      out.writeNull();
    } else {
      out.writeStartArray();
      for (String stop : stopSequences) {
        out.writeString(stop);
      }
      out.writeEndArray();
    }
    out.writeStringField("system", systemText());
    out.writeFieldName("temperature");
    writeNumber(out, temperature);
    out.writeFieldName("thinking");
    Json.writeNormalised(out, thinking);
    if (!tools.isEmpty()) {
      out.writeStringField("toolChoice", toolChoice.mode().name());
      out.writeStringField("toolName", toolChoice.name());
    }
    out.writeArrayFieldStart("tools");
    for (Tool tool : tools) {
      out.writeStartObject();
      out.writeStringField("description", tool.description());
      out.writeFieldName("kept");
      Json.writeNormalised(out, tool.extras().get(OpenAiShapes.OPENAI_TOOL));
      out.writeStringField("name", tool.name());
      out.writeFieldName("schema");
      Json.writeNormalised(out, tool.inputSchema());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeFieldName("topK");
    writeNumber(out, topK);
    out.writeFieldName("topP");
    writeNumber(out, topP);
    out.writeEndObject();
  }

  /** A number as {@link Json#writeNormalised} spells it; null when absent. */
  private static void writeNumber(JsonGenerator out, Number number) throws IOException {
    if (number == null) {
      out.writeNull();
    } else if (number instanceof Double d) {
      out.writeNumber(BigDecimal.valueOf(d).stripTrailingZeros());
    } else {
      out.writeNumber(BigDecimal.valueOf(number.longValue()).stripTrailingZeros());
    }
  }
}
