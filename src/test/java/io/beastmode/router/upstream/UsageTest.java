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
  void theUsageIsFoundWhereverItIsAndTheRestOfTheAnswerMustStillBeJson() {
    Buffer usageFirst =
        Buffer.buffer(
            "{\"usage\":{\"prompt_tokens\":\"12\",\"completion_tokens\":3.7},\"id\":\"x\","
                + "\"choices\":[{\"message\":{\"content\":\"hi\",\"tool_calls\":[{\"a\":[1,{}]}]}}]}");
    assertThat(Usage.ofAnswer(usageFirst, 99)).isEqualTo(new Usage(12, 3, true));
    Buffer brokenAfterUsage =
        Buffer.buffer("{\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3},\"choices\":[}");
    assertThat(Usage.ofAnswer(brokenAfterUsage, 7)).isEqualTo(new Usage(7, 0, false));
    Buffer twice =
        Buffer.buffer(
            "{\"usage\":{\"prompt_tokens\":1},\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}");
    assertThat(Usage.ofAnswer(twice, 7)).isEqualTo(new Usage(7, 0, false));
    Buffer nullUsage =
        Buffer.buffer("{\"usage\":null,\"choices\":[{\"text\":\"" + "y".repeat(8) + "\"}]}");
    assertThat(Usage.ofAnswer(nullUsage, 7)).isEqualTo(new Usage(7, 2, false));
    assertThat(Usage.ofAnswer(Buffer.buffer("[1,2]"), 7)).isEqualTo(new Usage(7, 0, false));
    assertThat(Usage.ofAnswer(Buffer.buffer(""), 7)).isEqualTo(new Usage(7, 0, false));
    Buffer slice = Buffer.buffer("xx{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6}}yy");
    assertThat(Usage.ofAnswer(slice.slice(2, slice.length() - 2), 7))
        .isEqualTo(new Usage(5, 6, true));
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
