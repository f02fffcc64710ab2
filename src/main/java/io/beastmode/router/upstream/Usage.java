package io.beastmode.router.upstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.router.api.CompletionRequest;
import io.beastmode.router.api.TokenEstimate;
import io.beastmode.router.dialect.Dialect;
import io.beastmode.router.dialect.TokenUsage;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Tokens of one answer: the upstream's own {@code usage} when it reports one, otherwise estimated
 * from the prompt estimate and the characters of the answer.
 *
 * @param reported true when the numbers came from the upstream
 */
public record Usage(long promptTokens, long completionTokens, boolean reported) {

  /**
   * Usage of a complete (non-streamed) answer body. The answer is read as it is parsed, and only
   * its {@code usage} is built as a tree; an answer without one is read whole, to estimate it.
   */
  public static Usage ofAnswer(Buffer body, int promptEstimate) {
    JsonNode usage;
    try {
      usage = usageOf(body);
    } catch (IOException e) {
      return new Usage(promptEstimate, 0, false);
    }
    if (usage != null && usage.has("prompt_tokens")) {
      return new Usage(
          usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(), true);
    }
    return estimated(body, promptEstimate);
  }

  /**
   * The tokens of a complete answer in {@code dialect}'s shape, with its prompt-cache reads and
   * writes apart: from the upstream's own {@code usage}, else estimated.
   */
  public static TokenUsage tokensOfAnswer(Dialect dialect, Buffer body, int promptEstimate) {
    JsonNode usage;
    try {
      usage = usageOf(body);
    } catch (IOException e) {
      usage = null;
    }
    if (usage != null) {
      switch (dialect) {
        case chat, completions -> {
          if (usage.has("prompt_tokens")) {
            return TokenUsage.fromOpenAi(usage);
          }
        }
        case messages -> {
          if (usage.has("input_tokens")) {
            return TokenUsage.fromAnthropic(usage);
          }
        }
        case responses -> {
          if (usage.has("input_tokens")) {
            return TokenUsage.fromResponses(usage);
          }
        }
      }
    }
    Usage estimate =
        dialect == Dialect.chat || dialect == Dialect.completions
            ? estimated(body, promptEstimate)
            : new Usage(promptEstimate, 0, false);
    return new TokenUsage(estimate.promptTokens(), 0, 0, estimate.completionTokens(), 0, true);
  }

  /**
   * The answer's {@code usage}, or null. The answer is read as it is parsed, and only its {@code
   * usage} is built as a tree.
   */
  private static JsonNode usageOf(Buffer body) throws IOException {
    ByteBuf bytes = body.getByteBuf();
    try (JsonParser parser =
        bytes.hasArray()
            ? CompletionRequest.json()
                .createParser(
                    bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes())
            : CompletionRequest.json().createParser(body.getBytes())) {
      JsonNode usage = null;
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        // Read to the end: an answer broken after its usage is not trusted for it.
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          if (field.equals("usage")) {
            usage = parser.readValueAsTree();
          } else {
            parser.skipChildren();
          }
        }
      }
      return usage;
    }
  }

  /** As counted for cost: no prompt-cache split is known. */
  public TokenUsage tokens() {
    return new TokenUsage(promptTokens, 0, 0, completionTokens, 0, !reported);
  }

  /** An answer without a usage of its own: its characters, estimated as tokens. */
  private static Usage estimated(Buffer body, int promptEstimate) {
    JsonNode answer;
    try {
      answer = CompletionRequest.json().readTree(body.getBytes());
    } catch (IOException e) {
      return new Usage(promptEstimate, 0, false);
    }
    long chars = 0;
    for (JsonNode choice : answer.path("choices")) {
      chars +=
          choice.path("message").path("content").asText("").length()
              + choice.path("text").asText("").length();
    }
    return new Usage(promptEstimate, TokenEstimate.ofChars(chars), false);
  }

  /**
   * Reads a server-sent event stream as it passes through: the {@code usage} chunk when the
   * upstream sends one, and the characters of every delta for the estimate when it does not. Events
   * may be split across network buffers, so partial lines are kept until their end arrives.
   */
  public static final class StreamTally {
    private final int promptEstimate;
    private final StringBuilder partialLine = new StringBuilder();
    private long contentChars;
    private Usage reported;

    public StreamTally(int promptEstimate) {
      this.promptEstimate = promptEstimate;
    }

    public void feed(Buffer chunk) {
      partialLine.append(chunk.toString(java.nio.charset.StandardCharsets.UTF_8));
      int newline;
      while ((newline = partialLine.indexOf("\n")) >= 0) {
        String line = partialLine.substring(0, newline).trim();
        partialLine.delete(0, newline + 1);
        if (line.startsWith("data:")) {
          event(line.substring(5).trim());
        }
      }
    }

    private void event(String data) {
      if (data.isEmpty() || data.equals("[DONE]")) {
        return;
      }
      try {
        JsonNode event = CompletionRequest.json().readTree(data);
        JsonNode usage = event.path("usage");
        if (usage.has("prompt_tokens")) {
          reported =
              new Usage(
                  usage.path("prompt_tokens").asLong(),
                  usage.path("completion_tokens").asLong(),
                  true);
        }
        for (JsonNode choice : event.path("choices")) {
          contentChars +=
              choice.path("delta").path("content").asText("").length()
                  + choice.path("text").asText("").length();
        }
      } catch (IOException e) {
        // Not JSON: nothing to count in it; the bytes still reach the client unchanged.
      }
    }

    public Usage usage() {
      return reported != null
          ? reported
          : new Usage(promptEstimate, TokenEstimate.ofChars(contentChars), false);
    }
  }
}
