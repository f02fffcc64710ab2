package io.beastmode.router.dialect;

import static io.beastmode.router.dialect.DialectFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A chat and a Messages request that mean the same thing share a cached answer. */
class CacheIdentityTest {
  private static final String CHAT =
      """
      {"model":"m","max_tokens":100,"temperature":0.5,%s
       "messages":[
        {"role":"system","content":"be brief"},
        {"role":"user","content":"weather?"},
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"a","type":"function","function":{"name":"weather","arguments":"{\\"city\\": \\"Paris\\"}"}}]},
        {"role":"tool","tool_call_id":"a","content":"sunny"}],
       "tools":[{"type":"function","function":{"name":"weather","description":"d",
         "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
      """;

  private static final String MESSAGES =
      """
      {"model":"m","max_tokens":100,"temperature":0.50,%s
       "system":[{"type":"text","text":"be brief","cache_control":{"type":"ephemeral"}}],
       "metadata":{"user_id":"u1"},
       "messages":[
        {"role":"user","content":[{"type":"text","text":"weather?"}]},
        {"role":"assistant","content":[{"type":"tool_use","id":"a","name":"weather","input":{"city":"Paris"}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":"sunny"}]}],
       "tools":[{"name":"weather","description":"d",
         "input_schema":{"properties":{"city":{"type":"string"}},"type":"object"}}]}
      """;

  private static String chat(String extra) {
    return new ChatDialect().parse(json(CHAT.formatted(extra))).cacheIdentity();
  }

  private static String messages(String extra) {
    return new MessagesDialect().parse(json(MESSAGES.formatted(extra))).cacheIdentity();
  }

  @Test
  void aChatAndAMessagesRequestThatMeanTheSameHaveOneIdentity() {
    assertThat(chat("")).isEqualTo(messages(""));
  }

  @Test
  void anEmptyContentBesideToolCallsIsTheSameAsNone() {
    String withEmpty =
        CHAT.replace("\"content\":null,\"tool_calls\"", "\"content\":\"\",\"tool_calls\"");
    assertThat(withEmpty).isNotEqualTo(CHAT);
    assertThat(new ChatDialect().parse(json(withEmpty.formatted(""))).cacheIdentity())
        .isEqualTo(messages(""));
  }

  @Test
  void streamingDoesNotChangeTheIdentity() {
    assertThat(chat("\"stream\":true,\"stream_options\":{\"include_usage\":true},"))
        .isEqualTo(chat(""))
        .isEqualTo(messages("\"stream\":true,"));
  }

  @Test
  void whatChangesTheAnswerChangesTheIdentity() {
    assertThat(chat("\"top_p\":0.9,")).isNotEqualTo(chat(""));
    assertThat(messages("\"stop_sequences\":[\"END\"],")).isNotEqualTo(messages(""));
    assertThat(messages("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"))
        .isNotEqualTo(messages(""));
    assertThat(chat("\"n\":2,")).isNotEqualTo(chat(""));
  }

  @Test
  void theIdentityIsDeterministic() {
    assertThat(chat("\"user\":\"someone\",")).isEqualTo(chat(""));
    assertThat(new ChatDialect().parse(json(CHAT.formatted(""))).cacheIdentity())
        .isEqualTo(chat(""));
  }

  @Test
  void theIdentityKeepsItsTextSoARouterUpgradeKeepsTheCachedAnswers() {
    // Fields sorted, numbers without trailing zeros (100 as 1E+2, 0.90 as 0.9, 2.0 as 2), the
    // stream's labels left out: the text the cache keys of answers already stored were made from.
    String body =
        CHAT.formatted(
                "\"top_p\":0.90,\"seed\":100,\"stop\":[\"END\"],\"stream\":true,"
                    + "\"stream_options\":{\"include_usage\":true},")
            .replace("\\\"Paris\\\"}", "\\\"Paris\\\", \\\"days\\\": 2.0}");

    assertThat(new ChatDialect().parse(json(body)).cacheIdentity())
        .isEqualTo(
            "{\"extras\":{\"seed\":1E+2},\"maxTokens\":1E+2,\"messages\":[{\"content\":[{\"text\":"
                + "\"weather?\",\"type\":\"text\"}],\"role\":\"user\"},{\"content\":[{\"id\":\"a\","
                + "\"input\":{\"city\":\"Paris\",\"days\":2},\"name\":\"weather\",\"type\":\"tool_use\"}],"
                + "\"role\":\"assistant\"},{\"content\":[{\"content\":[{\"text\":\"sunny\",\"type\":"
                + "\"text\"}],\"is_error\":false,\"tool_use_id\":\"a\",\"type\":\"tool_result\"}],\"role\":"
                + "\"user\"}],\"model\":\"m\",\"parallel\":true,\"responseFormat\":null,\"stop\":"
                + "[\"END\"],\"system\":\"be brief\",\"temperature\":0.5,\"thinking\":null,"
                + "\"toolChoice\":\"auto\",\"toolName\":null,\"tools\":[{\"description\":\"d\",\"kept\":"
                + "null,\"name\":\"weather\",\"schema\":{\"properties\":{\"city\":{\"type\":"
                + "\"string\"}},\"type\":\"object\"}}],\"topK\":null,\"topP\":0.9}");
  }
}
