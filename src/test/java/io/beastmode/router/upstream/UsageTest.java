package io.beastmode.router.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class UsageTest {

  @Test
  void theUpstreamsUsageIsTakenWhenReported() {
    Buffer body =
        Buffer.buffer(
            "{\"choices\":[{\"message\":{\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}");
    assertThat(Usage.ofAnswer(body, 99)).isEqualTo(new Usage(12, 3, true));
  }

  @Test
  void missingUsageIsEstimatedFromTheAnswer() {
    Buffer body =
        Buffer.buffer("{\"choices\":[{\"message\":{\"content\":\"" + "x".repeat(40) + "\"}}]}");
    assertThat(Usage.ofAnswer(body, 7)).isEqualTo(new Usage(7, 10, false));
  }

  @Test
  void aStreamIsTalliedAcrossSplitEvents() {
    Usage.StreamTally tally = new Usage.StreamTally(5);
    String stream =
        "data: {\"choices\":[{\"delta\":{\"content\":\"abcd\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"efgh\"}}]}\n\ndata: [DONE]\n\n";
    int cut = stream.indexOf("efgh") - 3;
    tally.feed(Buffer.buffer(stream.substring(0, cut)));
    tally.feed(Buffer.buffer(stream.substring(cut)));
    assertThat(tally.usage()).isEqualTo(new Usage(5, 2, false));

    tally.feed(
        Buffer.buffer(
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":4}}\n\n"));
    assertThat(tally.usage()).isEqualTo(new Usage(9, 4, true));
  }
}
