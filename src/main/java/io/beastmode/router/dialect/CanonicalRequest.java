package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.TokenEstimate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

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
   * What the answer depends on, as deterministic JSON text for the cache to hash: the same for a
   * chat and a Messages request that mean the same thing. Left out: the dialect, {@code stream} (a
   * streamed and a plain request share an answer), user and metadata labels, cache_control marks,
   * and the way turns were split (consecutive turns of one role are joined, as Anthropic joins
   * them).
   */
  public String cacheIdentity() {
    ObjectNode id = Json.object();
    id.put("model", model);
    id.put("system", systemText());
    ArrayNode turns = id.putArray("messages");
    Message.Role last = null;
    ArrayNode lastContent = null;
    for (Message message : messages) {
      if (message.role() != last) {
        ObjectNode turn = turns.addObject().put("role", message.role().name());
        lastContent = turn.putArray("content");
        last = message.role();
      }
      for (Block block : message.content()) {
        // An empty text block (chat's "content": "" beside tool calls) says nothing.
        if (!(block instanceof Block.Text t && t.text().isEmpty())) {
          lastContent.add(BlockJson.write(block, false));
        }
      }
    }
    ArrayNode toolList = id.putArray("tools");
    for (Tool tool : tools) {
      ObjectNode written = toolList.addObject().put("name", tool.name());
      written.put("description", tool.description()).set("schema", tool.inputSchema());
      written.set("kept", tool.extras().get(OpenAiShapes.OPENAI_TOOL));
    }
    if (!tools.isEmpty()) {
      id.put("toolChoice", toolChoice.mode().name())
          .put("toolName", toolChoice.name())
          .put("parallel", toolChoice.parallelAllowed());
    }
    id.put("maxTokens", maxTokens);
    id.put("temperature", temperature);
    id.put("topP", topP);
    id.put("topK", topK);
    id.set("stop", Json.MAPPER.valueToTree(stopSequences));
    id.set("thinking", thinking);
    id.set("responseFormat", responseFormat);
    ObjectNode meaningful = Json.without(extras, LABELS.toArray(String[]::new));
    if (!meaningful.isEmpty()) {
      id.set("extras", meaningful);
    }
    return Json.write(normalised(id));
  }

  /** Fields sorted, numbers spelled one way ({@code 1}, {@code 1.0} and {@code 1e0} alike). */
  private static JsonNode normalised(JsonNode node) {
    if (node == null || node.isNull()) {
      return com.fasterxml.jackson.databind.node.NullNode.instance;
    }
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      node.properties().forEach(e -> sorted.put(e.getKey(), normalised(e.getValue())));
      ObjectNode copy = Json.object();
      sorted.forEach(copy::set);
      return copy;
    }
    if (node.isArray()) {
      List<JsonNode> items = new ArrayList<>();
      node.forEach(item -> items.add(normalised(item)));
      return Json.array().addAll(items);
    }
    if (node.isNumber()) {
      return DecimalNode.valueOf(node.decimalValue().stripTrailingZeros());
    }
    return node;
  }
}
