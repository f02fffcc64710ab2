package io.beastmode.router.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PromptTextTest {

  private static String of(Endpoint endpoint, String body) {
    return PromptText.of(
        CompletionRequest.parse(endpoint, body.getBytes(StandardCharsets.UTF_8), null));
  }

  @Test
  void aChatIsItsUserMessagesTextPartsIncluded() {
    String text =
        of(
            Endpoint.chat,
            """
            {"model":"auto","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","content":"What is 2+2?"},
              {"role":"assistant","content":"4"},
              {"role":"user","content":[{"type":"text","text":"And 3+3?"},
                {"type":"image_url","image_url":{"url":"https://example.invalid/a.png"}}]}]}
            """);

    assertThat(text).isEqualTo("What is 2+2?\nAnd 3+3?");
  }

  @Test
  void aTextCompletionIsItsPrompt() {
    assertThat(of(Endpoint.completions, "{\"model\":\"auto\",\"prompt\":\"Once upon\"}"))
        .isEqualTo("Once upon");
    assertThat(of(Endpoint.completions, "{\"model\":\"auto\",\"prompt\":[\"a\",\"b\"]}"))
        .isEqualTo("a\nb");
  }
}
