package io.beastmode.router.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CachedAnswerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theStoredHeaderIsWhatJacksonWritesAndReadsBack() throws Exception {
    Buffer body = Buffer.buffer("{\"id\":\"chatcmpl\"}\ndata: [DONE]\n");
    for (CachedAnswer answer :
        new CachedAnswer[] {
          new CachedAnswer("gpt-4o-mini", "application/json", 1.5e-5, body, 1795789501876L),
          new CachedAnswer("m \"quoted\" \\ é ☃ \u0001", null, 0, body, 0),
          new CachedAnswer("m", "text/event-stream; charset=utf-8", 123456.789, body, -1),
          new CachedAnswer("m", "x", Double.NaN, body, 5),
          new CachedAnswer("m", "x", Double.NEGATIVE_INFINITY, body, 5),
          new CachedAnswer("m", "x", 1e-300, body, Long.MAX_VALUE),
          new CachedAnswer("m", "application/json", 1, body, 7, CachedAnswer.CANONICAL),
          new CachedAnswer("m", "text/event-stream", 1, body, 7, "messages-stream")
        }) {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("model", answer.model());
      header.put("contentType", answer.contentType());
      header.put("costUsd", answer.costUsd());
      header.put("expiresAtMillis", answer.expiresAtMillis());
      header.put("form", answer.form());
      Buffer expected =
          Buffer.buffer(JSON.writeValueAsBytes(header)).appendByte((byte) '\n').appendBuffer(body);

      Buffer stored = answer.encode();

      assertThat(stored.toString()).isEqualTo(expected.toString());
      CachedAnswer read = CachedAnswer.decode(stored);
      assertThat(read.model()).isEqualTo(answer.model());
      assertThat(read.contentType()).isEqualTo(answer.contentType());
      assertThat(Double.valueOf(read.costUsd())).isEqualTo(Double.valueOf(answer.costUsd()));
      assertThat(read.expiresAtMillis()).isEqualTo(answer.expiresAtMillis());
      assertThat(read.form()).isEqualTo(answer.form());
      assertThat(read.body().toString()).isEqualTo(body.toString());
    }
  }
}
