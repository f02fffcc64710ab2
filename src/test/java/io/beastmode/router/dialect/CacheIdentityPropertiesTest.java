package io.beastmode.router.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * One conversation, written as a chat body and as a Messages body (by the upstream adapters) and
 * read back by the inbound ones, is one request: the same cache identity, the same turns.
 */
class CacheIdentityPropertiesTest {
  private static final String[] WORDS = {"hi", "wörld", "🌍", "\"q\"", "a\\b", "x\ny", "日本"};

  @Property(tries = 300)
  void aConversationHasOneIdentityInChatAndInMessages(@ForAll long seed) {
    CanonicalRequest request = request(new Random(seed));

    CanonicalRequest viaChat = new ChatDialect().parse(new OpenAiUpstream().request(request, "m"));
    CanonicalRequest viaMessages =
        new MessagesDialect().parse(new AnthropicUpstream(4096).request(request, "m"));

    assertThat(viaChat.cacheIdentity()).isEqualTo(viaMessages.cacheIdentity());
    assertThat(viaChat.cacheIdentity()).isEqualTo(request.cacheIdentity());
  }

  static CanonicalRequest request(Random random) {
    List<Block.Text> system = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      system.add(new Block.Text(text(random)));
    }
    List<Tool> tools = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      ObjectNode schema = Json.object().put("type", "object");
      schema.putObject("properties").putObject("p" + i).put("type", "string");
      tools.add(
          new Tool("tool_" + i, random.nextBoolean() ? null : text(random), schema, Json.object()));
    }
    List<Message> messages = new ArrayList<>();
    messages.add(Message.user(new Block.Text(text(random) + "?")));
    int turns = random.nextInt(4);
    for (int t = 0; t < turns; t++) {
      List<Block> assistant = new ArrayList<>();
      if (random.nextBoolean()) {
        assistant.add(new Block.Text(text(random) + "."));
      }
      List<Block> results = new ArrayList<>();
      for (int c = random.nextInt(3); c > 0; c--) {
        String id = "call_" + t + "_" + c;
        assistant.add(new Block.ToolUse(id, "tool_" + c, Json.object().put("p", text(random))));
        results.add(new Block.ToolResult(id, List.of(new Block.Text(text(random) + "!")), false));
      }
      if (assistant.isEmpty()) {
        assistant.add(new Block.Text("ok"));
      }
      messages.add(new Message(Message.Role.assistant, assistant));
      if (random.nextBoolean()) {
        results.add(new Block.Text(text(random) + "?"));
      }
      if (random.nextInt(4) == 0) {
        results.add(Block.Image.inline("image/png", "iVBORw0KGgo="));
      }
      if (results.isEmpty()) {
        results.add(new Block.Text("go on"));
      }
      messages.add(new Message(Message.Role.user, results));
    }
    return new CanonicalRequest(
        Dialect.chat,
        "m",
        system,
        messages,
        tools,
        random.nextBoolean() ? ToolChoice.AUTO : new ToolChoice(ToolChoice.Mode.any, null, false),
        1 + random.nextInt(4000),
        random.nextBoolean() ? null : random.nextInt(11) / 10.0,
        random.nextBoolean() ? null : 0.9,
        null,
        random.nextBoolean() ? List.of() : List.of("END"),
        random.nextBoolean(),
        false,
        null,
        null,
        null,
        null,
        Json.object());
  }

  private static String text(Random random) {
    StringBuilder text = new StringBuilder();
    for (int w = random.nextInt(4); w >= 0; w--) {
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }
}
