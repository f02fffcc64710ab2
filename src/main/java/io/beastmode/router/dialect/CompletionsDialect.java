package io.beastmode.router.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI legacy text completions, in: {@code POST /v1/completions}. The prompt becomes one user
 * turn; the answer is its text.
 */
public final class CompletionsDialect implements InboundDialect {
  private static final Set<String> KNOWN =
      Set.of("model", "prompt", "max_tokens", "temperature", "top_p", "stop", "stream", "user");

  @Override
  public Dialect dialect() {
    return Dialect.completions;
  }

  @Override
  public CanonicalRequest parse(ObjectNode body) {
    String model = Fields.requiredString(body, "model", "model");
    Block prompt = prompt(body.get("prompt"));
    Integer maxTokens = Fields.optionalInt(body, "max_tokens", 1);
    ObjectNode streamOptions = Fields.optionalObject(body, "stream_options", "stream_options");
    return new CanonicalRequest(
        Dialect.completions,
        model,
        List.of(),
        new ArrayList<>(List.of(Message.user(prompt))),
        List.of(),
        ToolChoice.AUTO,
        maxTokens == null ? 0 : maxTokens,
        Fields.optionalNumber(body, "temperature", 0, 2),
        Fields.optionalNumber(body, "top_p", 0, 1),
        null,
        Fields.stopSequences(body.get("stop"), "stop"),
        Fields.optionalBoolean(body, "stream", false),
        streamOptions != null && streamOptions.path("include_usage").asBoolean(),
        null,
        null,
        Fields.optionalString(body, "user", "user"),
        null,
        Fields.extras(body, KNOWN));
  }

  /**
   * The prompt as one user block: text, or for a batch of prompts or token ids (which only an
   * OpenAI-compatible server's own {@code /v1/completions} serves) the prompt as sent.
   */
  private static Block prompt(JsonNode prompt) {
    if (Fields.absent(prompt)) {
      throw ApiError.invalid("prompt", "'prompt' is required");
    }
    if (prompt.isTextual()) {
      return new Block.Text(prompt.textValue());
    }
    if (!prompt.isArray() || prompt.isEmpty()) {
      throw ApiError.invalid("prompt", "'prompt' must be a string or a non-empty array");
    }
    if (prompt.size() == 1 && prompt.get(0).isTextual()) {
      return new Block.Text(prompt.get(0).textValue());
    }
    for (int i = 0; i < prompt.size(); i++) {
      JsonNode item = prompt.get(i);
      if (!item.isTextual() && !item.isIntegralNumber() && !item.isArray()) {
        throw ApiError.invalid(
            "prompt[" + i + "]", "'prompt[" + i + "]' must be a string or tokens");
      }
    }
    ObjectNode raw = Json.object();
    raw.set("prompt", prompt);
    return new Block.Unmapped(Dialect.completions, raw);
  }

  @Override
  public ObjectNode renderAnswer(CanonicalAnswer answer) {
    ObjectNode body = Json.object();
    body.put("id", answer.id()).put("object", "text_completion");
    body.put("created", answer.created()).put("model", answer.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("text", text(answer)).put("index", 0).putNull("logprobs");
    choice.put("finish_reason", answer.stopReason().toOpenAi());
    body.set("usage", answer.usage().toOpenAi());
    return body;
  }

  private static String text(CanonicalAnswer answer) {
    StringBuilder text = new StringBuilder();
    for (Block block : answer.content()) {
      if (block instanceof Block.Text t) {
        text.append(t.text());
      }
    }
    return text.toString();
  }

  @Override
  public StreamEncoder streamEncoder(CanonicalRequest request, long created) {
    return new CompletionsStreamEncoder(request.includeUsage(), created);
  }

  /** Text completion chunks: only text reaches a legacy client. */
  private static final class CompletionsStreamEncoder implements StreamEncoder {
    private final boolean includeUsage;
    private final long created;
    private String id = "";
    private String model = "";
    private TokenUsage usage = TokenUsage.NONE;

    CompletionsStreamEncoder(boolean includeUsage, long created) {
      this.includeUsage = includeUsage;
      this.created = created;
    }

    @Override
    public List<byte[]> encode(StreamEvent event) {
      if (event instanceof StreamEvent.MessageStart s) {
        id = s.id();
        model = s.model();
      } else if (event instanceof StreamEvent.BlockDelta d
          && d.kind() == StreamEvent.BlockDelta.Kind.text) {
        return List.of(Sse.data(chunk(d.value(), null)));
      } else if (event instanceof StreamEvent.MessageDelta d) {
        usage = d.usage();
        return List.of(Sse.data(chunk("", d.stopReason().toOpenAi())));
      } else if (event instanceof StreamEvent.MessageStop) {
        if (!includeUsage) {
          return List.of(Sse.DONE);
        }
        ObjectNode last = head();
        last.putArray("choices");
        last.set("usage", usage.toOpenAi());
        return List.of(Sse.data(last), Sse.DONE);
      } else if (event instanceof StreamEvent.StreamError e) {
        ObjectNode error = Json.object();
        error.putObject("error").put("message", e.message()).put("type", e.errorType());
        return List.of(Sse.data(error));
      }
      return List.of();
    }

    private ObjectNode head() {
      ObjectNode chunk = Json.object().put("id", id).put("object", "text_completion");
      return chunk.put("created", created).put("model", model);
    }

    private ObjectNode chunk(String text, String finishReason) {
      ObjectNode chunk = head();
      ObjectNode choice = chunk.putArray("choices").addObject();
      choice.put("text", text).put("index", 0).putNull("logprobs");
      choice.put("finish_reason", finishReason);
      return chunk;
    }
  }
}
