package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.assembled;
import static io.beastmode.router.dialect.DialectFixtures.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Random answers, streamed by an upstream (OpenAI chat or Anthropic) in random pieces, cut at
 * random byte boundaries, decoded, and written again for every inbound dialect: each stream must
 * pass its dialect's grammar, and what it adds up to must equal the non-streamed translation.
 */
class StreamTranslationTest {
  private static final long CREATED = 1_700_000_000L;
  private static final String[] WORDS = {
    "hello", "wörld", "🌍", "\"quoted\"", "back\\slash", "new\nline", "tab\t", "ünïcödé", "日本語", " "
  };

  /** What an answer is made of. */
  enum Shape {
    text,
    parallelTools,
    thinkingThenText,
    toolThenText,
    thinkingTextAndTools
  }

  @Property(tries = 300)
  void anOpenAiStreamDecodesIntoValidStreamsInEveryDialect(
      @ForAll Shape shape, @ForAll long seed, @ForAll @IntRange(min = 1, max = 5000) int prompt) {
    Random random = new Random(seed);
    CanonicalAnswer answer = answer(shape, random, false);
    byte[] upstream = openAiStream(answer, random);

    List<StreamEvent> events =
        decodeInRandomPieces(new OpenAiUpstream().streamDecoder(prompt), upstream, random);
    CanonicalAnswer streamed = assembled(events).answer(CREATED);

    CanonicalAnswer plain =
        new OpenAiUpstream().parseAnswer(new ChatDialect().renderAnswer(answer));
    // Chat's non-streamed shape keeps no order between text and tool calls: compare as chat.
    assertThat(
            StreamGrammar.sameJson(
                new ChatDialect().renderAnswer(streamed), new ChatDialect().renderAnswer(plain)))
        .as("streamed %s, non-streamed %s", streamed, plain)
        .isTrue();
    assertThat(toolUses(streamed)).isEqualTo(toolUses(answer));
    assertValidInEveryDialect(events, streamed, prompt);
  }

  @Property(tries = 300)
  void anAnthropicStreamDecodesIntoValidStreamsInEveryDialect(
      @ForAll Shape shape, @ForAll long seed) {
    Random random = new Random(seed);
    CanonicalAnswer answer = answer(shape, random, true);
    byte[] upstream = anthropicStream(answer, random);

    List<StreamEvent> events =
        decodeInRandomPieces(new AnthropicUpstream(4096).streamDecoder(0), upstream, random);
    CanonicalAnswer streamed = assembled(events).answer(0);

    CanonicalAnswer plain =
        new AnthropicUpstream(4096).parseAnswer(new MessagesDialect().renderAnswer(answer));
    assertThat(streamed).isEqualTo(plain);
    assertValidInEveryDialect(events, assembled(events).answer(CREATED), 1);
  }

  @Property(tries = 200)
  void aCachedAnswerReplaysAsValidStreamsInEveryDialect(@ForAll Shape shape, @ForAll long seed) {
    Random random = new Random(seed);
    CanonicalAnswer answer = answer(shape, random, true);
    CanonicalAnswer stored = CanonicalAnswer.fromJson(Json.readOrNull(Json.write(answer.toJson())));

    assertThat(stored).isEqualTo(answer);
    assertThat(assembled(stored.events()).answer(answer.created())).isEqualTo(answer);
    assertValidInEveryDialect(stored.events(), answer, 1);
  }

  private static void assertValidInEveryDialect(
      List<StreamEvent> events, CanonicalAnswer answer, long promptEstimate) {
    byte[] messages = encode(new MessagesStreamEncoder(), events);
    assertThat(StreamGrammar.messages(messages)).isEmpty();
    JsonNode start = Json.readOrNull(new Sse.Reader().feed(messages).get(0).data());
    assertThat(start.path("message").path("usage").path("input_tokens").asLong())
        .isGreaterThanOrEqualTo(Math.min(promptEstimate, answer.usage().uncachedInput()));

    byte[] responses = encode(new ResponsesStreamEncoder(CREATED, new ResponsesDialect()), events);
    ObjectNode expected = new ResponsesDialect().renderAnswer(withCreated(answer, CREATED));
    assertThat(StreamGrammar.responses(responses, expected)).isEmpty();

    for (boolean includeUsage : new boolean[] {true, false}) {
      byte[] chat = encode(new ChatStreamEncoder(includeUsage, CREATED), events);
      assertThat(
              StreamGrammar.chat(
                  chat, new ChatDialect().renderAnswer(withCreated(answer, CREATED))))
          .isEmpty();
    }
  }

  private static CanonicalAnswer withCreated(CanonicalAnswer answer, long created) {
    return new CanonicalAnswer(
        answer.id(),
        answer.model(),
        created,
        answer.content(),
        answer.stopReason(),
        answer.stopSequence(),
        answer.usage());
  }

  private static List<Block> toolUses(CanonicalAnswer answer) {
    return answer.content().stream().filter(b -> b instanceof Block.ToolUse).toList();
  }

  // Answers

  static CanonicalAnswer answer(Shape shape, Random random, boolean anthropic) {
    List<Block> content = new ArrayList<>();
    switch (shape) {
      case text -> content.add(new Block.Text(text(random)));
      case parallelTools -> {
        int tools = 1 + random.nextInt(4);
        for (int i = 0; i < tools; i++) {
          content.add(tool(random, i));
        }
      }
      case thinkingThenText -> {
        content.add(new Block.Thinking(text(random), anthropic ? "sig" + random.nextInt() : null));
        content.add(new Block.Text(text(random)));
      }
      case toolThenText -> {
        content.add(tool(random, 0));
        content.add(new Block.Text(text(random)));
      }
      case thinkingTextAndTools -> {
        content.add(new Block.Thinking(text(random), anthropic ? "sig" + random.nextInt() : null));
        content.add(new Block.Text(text(random)));
        content.add(tool(random, 0));
        content.add(tool(random, 1));
      }
    }
    boolean tools = content.stream().anyMatch(b -> b instanceof Block.ToolUse);
    StopReason stop =
        tools
            ? StopReason.toolUse
            : random.nextBoolean() ? StopReason.endTurn : StopReason.maxTokens;
    long output = random.nextInt(2000);
    TokenUsage usage =
        new TokenUsage(
            1 + random.nextInt(5000),
            random.nextInt(3) == 0 ? 0 : random.nextInt(50_000),
            anthropic ? random.nextInt(3000) : 0,
            output,
            anthropic ? 0 : random.nextInt((int) output + 1));
    return new CanonicalAnswer(
        (anthropic ? "msg_" : "chatcmpl-") + Integer.toHexString(random.nextInt()),
        "model-" + random.nextInt(3),
        anthropic ? 0 : CREATED,
        content,
        stop,
        null,
        usage);
  }

  private static Block.ToolUse tool(Random random, int i) {
    ObjectNode input = Json.object();
    int fields = random.nextInt(4);
    for (int f = 0; f < fields; f++) {
      switch (random.nextInt(4)) {
        case 0 -> input.put("s" + f, text(random));
        case 1 -> input.put("n" + f, random.nextInt(1000) - 500);
        case 2 -> input.putArray("a" + f).add(text(random)).add(random.nextBoolean());
        default -> input.putObject("o" + f).put("deep", text(random)).putNull("nothing");
      }
    }
    return new Block.ToolUse("call_" + i + "_" + random.nextInt(1000), "tool_" + i, input);
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    int words = random.nextInt(8);
    for (int w = 0; w < words; w++) {
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }

  /** A string cut into pieces between code points (never inside a surrogate pair). */
  private static List<String> pieces(String text, Random random) {
    List<String> pieces = new ArrayList<>();
    int[] codePoints = text.codePoints().toArray();
    int from = 0;
    while (from < codePoints.length) {
      int to = Math.min(codePoints.length, from + 1 + random.nextInt(6));
      pieces.add(new String(codePoints, from, to - from));
      from = to;
    }
    return pieces;
  }

  // Upstream streams

  /**
   * The answer as an OpenAI-compatible server streams it: reasoning, then text (or tool calls first
   * when the answer has them first), parallel tool calls in pieces interleaved at random, sometimes
   * two calls in one chunk, the finish, and usage after it or with it.
   */
  static byte[] openAiStream(CanonicalAnswer answer, Random random) {
    List<ObjectNode> chunks = new ArrayList<>();
    chunks.add(delta(answer, Json.object().put("role", "assistant")));
    List<List<ObjectNode>> toolPieces = new ArrayList<>();
    int toolIndex = 0;
    for (Block block : answer.content()) {
      if (block instanceof Block.Thinking t) {
        for (String piece : pieces(t.text(), random)) {
          chunks.add(delta(answer, Json.object().put("reasoning_content", piece)));
        }
      } else if (block instanceof Block.Text t) {
        flushTools(answer, toolPieces, chunks, random);
        for (String piece : pieces(t.text(), random)) {
          chunks.add(delta(answer, Json.object().put("content", piece)));
        }
      } else if (block instanceof Block.ToolUse u) {
        List<ObjectNode> calls = new ArrayList<>();
        List<String> arguments = pieces(Json.write(u.input()), random);
        ObjectNode first = Json.object().put("index", toolIndex).put("id", u.id());
        first
            .put("type", "function")
            .putObject("function")
            .put("name", u.name())
            .put("arguments", "");
        calls.add(first);
        for (String piece : arguments) {
          ObjectNode call = Json.object().put("index", toolIndex);
          call.putObject("function").put("arguments", piece);
          calls.add(call);
        }
        toolPieces.add(calls);
        toolIndex++;
      }
    }
    flushTools(answer, toolPieces, chunks, random);
    ObjectNode finish = delta(answer, Json.object());
    ((ObjectNode) finish.path("choices").path(0))
        .put("finish_reason", answer.stopReason().toOpenAi());
    chunks.add(finish);
    if (random.nextBoolean()) {
      finish.set("usage", answer.usage().toOpenAi());
    } else {
      ObjectNode usage = Json.object().put("id", answer.id()).put("model", answer.model());
      usage.putArray("choices");
      usage.set("usage", answer.usage().toOpenAi());
      chunks.add(usage);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ObjectNode chunk : chunks) {
      out.writeBytes(Sse.data(chunk));
    }
    out.writeBytes(Sse.DONE);
    return out.toByteArray();
  }

  /** Interleaves the pieces of the pending tool calls, each call's own pieces kept in order. */
  private static void flushTools(
      CanonicalAnswer answer,
      List<List<ObjectNode>> tools,
      List<ObjectNode> chunks,
      Random random) {
    while (!tools.isEmpty()) {
      ObjectNode delta = Json.object();
      ArrayNode calls = delta.putArray("tool_calls");
      int take = 1 + (random.nextInt(4) == 0 ? 1 : 0);
      for (int t = 0; t < take && !tools.isEmpty(); t++) {
        int which = random.nextInt(tools.size());
        List<ObjectNode> pieces = tools.get(which);
        calls.add(pieces.remove(0));
        if (pieces.isEmpty()) {
          tools.remove(which);
        }
      }
      chunks.add(delta(answer, delta));
    }
  }

  private static ObjectNode delta(CanonicalAnswer answer, ObjectNode delta) {
    ObjectNode chunk = Json.object().put("id", answer.id()).put("object", "chat.completion.chunk");
    chunk.put("created", answer.created()).put("model", answer.model());
    ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
    choice.set("delta", delta);
    choice.putNull("finish_reason");
    return chunk;
  }

  /** The answer as Anthropic streams it: deltas in random pieces, pings anywhere. */
  static byte[] anthropicStream(CanonicalAnswer answer, Random random) {
    List<StreamEvent> events = new ArrayList<>();
    for (StreamEvent event : answer.events()) {
      if (event instanceof StreamEvent.BlockDelta d
          && d.kind() != StreamEvent.BlockDelta.Kind.signature) {
        for (String piece : pieces(d.value(), random)) {
          events.add(new StreamEvent.BlockDelta(d.index(), d.kind(), piece));
        }
      } else {
        events.add(event);
      }
    }
    MessagesStreamEncoder encoder = new MessagesStreamEncoder();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (StreamEvent event : events) {
      if (random.nextInt(8) == 0) {
        out.writeBytes(
            "event: ping\ndata: {\"type\": \"ping\"}\n\n".getBytes(StandardCharsets.US_ASCII));
      }
      encoder.encode(event).forEach(out::writeBytes);
    }
    return out.toByteArray();
  }

  private static List<StreamEvent> decodeInRandomPieces(
      StreamDecoder decoder, byte[] sse, Random random) {
    int cuts = random.nextInt(40);
    int[] at = new int[cuts];
    for (int i = 0; i < cuts; i++) {
      at[i] = random.nextInt(sse.length + 1);
    }
    java.util.Arrays.sort(at);
    List<StreamEvent> events = DialectFixtures.decode(decoder, sse, at);
    assertThat(events.get(events.size() - 1)).isEqualTo(new StreamEvent.MessageStop());
    return events;
  }
}
