package io.beastmode.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQlTest {

  @Test
  void findsMetricsTheirMatchersAndGroupingLabels() {
    var refs =
        PromQl.refs(
            "histogram_quantile(0.95, sum by (le, model) (rate(beastmode_router_latency_seconds_bucket"
                + "{namespace=~\"$namespace\", result!=\"a,b=c\"}[$__rate_interval]))) / on(region) group_left "
                + "sum without (pod) (beastmode_router_inflight offset 5m) * 3600 > bool 1e3");

    assertThat(refs.selectors())
        .containsExactly(
            new PromQl.Selector(
                "beastmode_router_latency_seconds_bucket", Set.of("namespace", "result")),
            new PromQl.Selector("beastmode_router_inflight", Set.of()));
    assertThat(refs.grouping()).containsExactlyInAnyOrder("le", "model", "region", "pod");
  }

  @Test
  void variablesRangesAndStringsAreNotMetrics() {
    var refs = PromQl.refs("sum(increase(x_total{a=\"$router\"}[${__range}])) / ${scale}");

    assertThat(refs.selectors()).containsExactly(new PromQl.Selector("x_total", Set.of("a")));
  }

  @Test
  void bracketsMustBalance() {
    assertThat(PromQl.balanced("sum(rate(x{a=\")\"}[5m]))")).isTrue();
    assertThat(PromQl.balanced("sum(rate(x[5m])")).isFalse();
    assertThat(PromQl.balanced("sum(rate(x[5m)])")).isFalse();
  }
}
