package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beastmode.router.api.ApiError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests as each dialect's clients send them, read into the canonical form or refused. */
class InboundDialectsTest {

  private static void refused(InboundDialect dialect, String body, String param) {
    assertThatThrownBy(() -> dialect.parse(json(body)))
        .isInstanceOfSatisfying(
            ApiError.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.param()).isEqualTo(param);
              assertThat(e.getMessage()).contains(param.replaceAll("\\[.*", ""));
            });
  }

  // Chat

  @Test
  void chatSystemAndDeveloperMessagesBecomeSystemTextAndConsecutiveToolMessagesOneUserTurn() {
    CanonicalRequest request =
        new ChatDialect()
            .parse(
                json(
                    """
                    {"model":"m","messages":[
                      {"role":"system","content":"a"},{"role":"developer","content":[{"type":"text","text":"b"}]},
                      {"role":"user","content":[{"type":"text","text":"look"},
                        {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},
                      {"role":"assistant","tool_calls":[
                        {"id":"x","type":"function","function":{"name":"f","arguments":"{}"}},
                        {"id":"y","type":"function","function":{"name":"g","arguments":"{\\"k\\":1}"}}]},
                      {"role":"tool","tool_call_id":"x","content":"1"},
                      {"role":"tool","tool_call_id":"y","content":[{"type":"text","text":"2"}]}],
                     "max_completion_tokens":50,"stop":"END","parallel_tool_calls":false,
                     "tool_choice":"required","stream":true,"stream_options":{"include_usage":true},
                     "reasoning_effort":"low","logprobs":true}
                    """));

    assertThat(request.systemText()).isEqualTo("a\nb");
    assertThat(request.messages()).hasSize(3);
    assertThat(request.messages().get(0).content())
        .containsExactly(new Block.Text("look"), Block.Image.inline("image/png", "AAAA"));
    assertThat(request.messages().get(2))
        .isEqualTo(
            new Message(
                Message.Role.user,
                List.of(
                    new Block.ToolResult("x", List.of(new Block.Text("1")), false),
                    new Block.ToolResult("y", List.of(new Block.Text("2")), false))));
    assertThat(request.maxTokens()).isEqualTo(50);
    assertThat(request.stopSequences()).containsExactly("END");
    assertThat(request.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.any, null, false));
    assertThat(request.includeUsage()).isTrue();
    assertThat(request.thinking()).isEqualTo(json("{\"effort\":\"low\"}"));
    assertThat(request.extras())
        .isEqualTo(json("{\"stream_options\":{\"include_usage\":true},\"logprobs\":true}"));
  }

  @Test
  void chatRefusesWhatOpenAiRefusesNamingTheField() {
    refused(new ChatDialect(), "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "model");
    refused(new ChatDialect(), "{\"model\":\"m\",\"messages\":[]}", "messages");
    refused(
        new ChatDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}",
        "temperature");
    refused(
        new ChatDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}",
        "messages[0].role");
    refused(
        new ChatDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\"}]}",
        "messages[0].content");
  }

  @Test
  void chatPartsAndRolesWithNoCanonicalFormReachAnOpenAiUpstreamAsSentAndNoOther() {
    CanonicalRequest request =
        new ChatDialect()
            .parse(
                json(
                    """
                    {"model":"m","messages":[
                      {"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]},
                      {"role":"function","name":"f","content":"42"}]}
                    """));
    ObjectNode body = new OpenAiUpstream().request(request, "up");

    assertThat(body.path("messages"))
        .isEqualTo(
            Json.readOrNull(
                """
                [{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]},
                 {"role":"function","name":"f","content":"42"}]
                """));
    assertThatThrownBy(() -> new AnthropicUpstream(4096).request(request, "c"))
        .isInstanceOfSatisfying(
            ApiError.class, e -> assertThat(e.getMessage()).contains("'input_audio' block"));
    refused(
        new ChatDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"image_url\",\"image_url\":\"u\"}]}]}",
        "messages[0].content[0].type");
    refused(
        new ChatDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"file\",\"file\":{}}]}]}",
        "messages[0].content");
  }

  @Test
  void legacyCompletionsPromptIsOneUserTurn() {
    CanonicalRequest request =
        new CompletionsDialect()
            .parse(
                json("{\"model\":\"m\",\"prompt\":\"Once upon\",\"max_tokens\":5,\"echo\":true}"));

    assertThat(request.messages()).containsExactly(Message.user(new Block.Text("Once upon")));
    assertThat(request.maxTokens()).isEqualTo(5);
    assertThat(request.extras()).isEqualTo(json("{\"echo\":true}"));
    refused(new CompletionsDialect(), "{\"model\":\"m\",\"prompt\":[{}]}", "prompt[0]");
    refused(new CompletionsDialect(), "{\"model\":\"m\",\"prompt\":[]}", "prompt");
    CanonicalRequest batch =
        new CompletionsDialect().parse(json("{\"model\":\"m\",\"prompt\":[\"a\",[1,2]]}"));
    assertThat(batch.messages().get(0).content())
        .containsExactly(
            new Block.Unmapped(Dialect.completions, json("{\"prompt\":[\"a\",[1,2]]}")));
    assertThatThrownBy(() -> new AnthropicUpstream(4096).request(batch, "c"))
        .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("prompt"));
  }

  // Messages

  @Test
  void messagesKeepsCacheControlThinkingSignaturesAndToolChoice() {
    CanonicalRequest request =
        new MessagesDialect()
            .parse(
                json(
                    """
                    {"model":"claude","max_tokens":1024,"system":"rules","top_k":5,
                     "tool_choice":{"type":"tool","name":"f","disable_parallel_tool_use":true},
                     "tools":[{"name":"f","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}],
                     "thinking":{"type":"enabled","budget_tokens":512},
                     "context_management":{"edits":[]},
                     "messages":[{"role":"user","content":"q"},
                       {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s1"},
                         {"type":"redacted_thinking","data":"opaque"},{"type":"text","text":"a"}]},
                       {"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://x/y.png"}},
                         {"type":"text","text":"this","cache_control":{"type":"ephemeral"}}]}]}
                    """));

    assertThat(request.system()).containsExactly(new Block.Text("rules"));
    assertThat(request.messages().get(1).content())
        .containsExactly(
            new Block.Thinking("hm", "s1"),
            new Block.RedactedThinking("opaque"),
            new Block.Text("a"));
    assertThat(request.messages().get(2).content())
        .containsExactly(
            Block.Image.at("https://x/y.png"),
            new Block.Text("this", json("{\"cache_control\":{\"type\":\"ephemeral\"}}")));
    assertThat(request.toolChoice()).isEqualTo(new ToolChoice(ToolChoice.Mode.tool, "f", false));
    assertThat(request.tools().get(0).extras())
        .isEqualTo(json("{\"cache_control\":{\"type\":\"ephemeral\"}}"));
    assertThat(request.topK()).isEqualTo(5);
    assertThat(request.extras()).isEqualTo(json("{\"context_management\":{\"edits\":[]}}"));
  }

  @Test
  void messagesRefusesWhatAnthropicRefuses() {
    refused(
        new MessagesDialect(),
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "max_tokens");
    refused(
        new MessagesDialect(),
        "{\"model\":\"m\",\"max_tokens\":1,\"temperature\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
        "temperature");
    refused(
        new MessagesDialect(),
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"developer\",\"content\":\"x\"}]}",
        "messages[0].role");
    refused(
        new MessagesDialect(),
        "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"a\",\"name\":\"f\",\"input\":\"{}\"}]}]}",
        "messages[0].content[0].input");
  }

  // Responses

  @Test
  void responsesReadsCodexStyleInputWithEncryptedReasoningAndFunctionCalls() {
    CanonicalRequest request =
        new ResponsesDialect()
            .parse(
                json(
                    """
                    {"model":"gpt","instructions":"be helpful","store":false,
                     "include":["reasoning.encrypted_content"],"prompt_cache_key":"k",
                     "max_output_tokens":300,"reasoning":{"effort":"medium"},
                     "text":{"format":{"type":"json_schema","name":"out","schema":{"type":"object"}}},
                     "tools":[{"type":"function","name":"shell","parameters":{"type":"object"},"strict":false}],
                     "input":[
                       {"type":"message","role":"developer","content":[{"type":"input_text","text":"dev"}]},
                       {"role":"user","content":"list files"},
                       {"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"gAAA"},
                       {"type":"function_call","call_id":"c1","name":"shell","arguments":"{\\"cmd\\":\\"ls\\"}"},
                       {"type":"function_call_output","call_id":"c1","output":"a.txt"},
                       {"type":"message","role":"assistant","content":[{"type":"output_text","text":"one file"}]}]}
                    """));

    assertThat(request.systemText()).isEqualTo("be helpful\ndev");
    assertThat(request.messages())
        .containsExactly(
            Message.user(new Block.Text("list files")),
            Message.assistant(
                new Block.RedactedThinking("gAAA"),
                new Block.ToolUse("c1", "shell", json("{\"cmd\":\"ls\"}"))),
            Message.user(new Block.ToolResult("c1", List.of(new Block.Text("a.txt")), false)),
            Message.assistant(new Block.Text("one file")));
    assertThat(request.maxTokens()).isEqualTo(300);
    assertThat(request.thinking()).isEqualTo(json("{\"effort\":\"medium\"}"));
    assertThat(request.responseFormat())
        .isEqualTo(
            json("{\"type\":\"json_schema\",\"name\":\"out\",\"schema\":{\"type\":\"object\"}}"));
    assertThat(request.tools().get(0).extras()).isEqualTo(json("{\"strict\":false}"));
  }

  @Test
  void responsesRefusesWhatNeedsStoredStateOrOpenAisServerTools() {
    String input = "\"model\":\"m\",\"input\":\"hi\"";
    refused(
        new ResponsesDialect(),
        "{" + input + ",\"previous_response_id\":\"resp_1\"}",
        "previous_response_id");
    refused(new ResponsesDialect(), "{" + input + ",\"background\":true}", "background");
    refused(new ResponsesDialect(), "{" + input + ",\"conversation\":\"conv_1\"}", "conversation");
    refused(
        new ResponsesDialect(),
        "{" + input + ",\"tools\":[{\"type\":\"web_search\"}]}",
        "tools[0].type");
    refused(
        new ResponsesDialect(),
        "{\"model\":\"m\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":{\"a\":1}}]}",
        "input[0].output");
    refused(
        new ResponsesDialect(),
        "{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"x\"}]}",
        "input[0].type");
    new ResponsesDialect().parse(json("{" + input + ",\"store\":true,\"background\":false}"));
  }
}
