package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the semantic cache compares by meaning (the last user turn) and what must match exactly for
 * two requests to share an answer (everything else).
 */
class SemanticSplitTest {
  private static final String BASE =
      """
      {"model":"m","max_tokens":100,%s"messages":[%s{"role":"user","content":"%s"}]}""";

  private static CanonicalRequest.SemanticSplit chat(String fields, String earlier, String last) {
    return new ChatDialect().parse(json(BASE.formatted(fields, earlier, last))).semanticSplit();
  }

  @Test
  void theLastUserTurnIsComparedAndTheRestIsTheContext() {
    var a = chat("", "", "how do I reset my password?");
    var b = chat("", "", "how can I reset my password");

    assertThat(a.prompt()).isEqualTo("how do I reset my password?");
    assertThat(a.context()).isEqualTo(b.context()).doesNotContain("password");
  }

  @Test
  void aSystemPromptToolsSamplingOrAnEarlierTurnMakeAnotherContext() {
    String plain = chat("", "", "q").context();
    assertThat(chat("\"temperature\":0.3,", "", "q").context()).isNotEqualTo(plain);
    assertThat(chat("\"top_p\":0.5,", "", "q").context()).isNotEqualTo(plain);
    assertThat(chat("\"max_tokens\":99,\"model\":\"m\",", "", "q").context()).isNotEqualTo(plain);
    assertThat(chat("", "{\"role\":\"system\",\"content\":\"be brief\"},", "q").context())
        .isNotEqualTo(plain);
    assertThat(
            chat(
                    "",
                    "{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"},",
                    "q")
                .context())
        .isNotEqualTo(plain);
    assertThat(
            chat(
                    "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],",
                    "",
                    "q")
                .context())
        .isNotEqualTo(plain);
    assertThat(chat("\"response_format\":{\"type\":\"json_object\"},", "", "q").context())
        .isNotEqualTo(plain);
  }

  @Test
  void aChatAndAMessagesRequestThatMeanTheSameShareAContext() {
    var chat = chat("", "{\"role\":\"system\",\"content\":\"be brief\"},", "q");
    var messages =
        new MessagesDialect()
            .parse(
                json(
                    """
                    {"model":"m","max_tokens":100,"system":"be brief",
                     "messages":[{"role":"user","content":[{"type":"text","text":"q"}]}]}"""))
            .semanticSplit();
    assertThat(messages).isEqualTo(chat);
  }

  @Test
  void aLastTurnThatIsNotTheUsersTextIsNotComparedByMeaning() {
    String image =
        """
        {"model":"m","messages":[{"role":"user","content":[
          {"type":"text","text":"what is this?"},
          {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""";
    String assistantLast =
        """
        {"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}""";
    assertThat(new ChatDialect().parse(json(image)).semanticSplit()).isNull();
    assertThat(new ChatDialect().parse(json(assistantLast)).semanticSplit()).isNull();
    assertThat(chat("", "", "   ")).isNull();
  }
}
