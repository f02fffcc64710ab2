package io.beastmode.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.observability.MetricsContract;
import io.beastmode.testing.PrometheusScrape;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OperatorMetersTest {

  /**
   * Registered as the recorders register them, every declared meter scrapes under the names the
   * catalogue gives, with its tag keys as labels, and nothing else.
   */
  @Test
  void everyMeterScrapesUnderTheNamesTheCatalogueGives() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsContract.registerOperatorMeters(registry);
    var scrape = PrometheusScrape.parse(registry.scrape());

    Map<String, TreeSet<String>> expected = new TreeMap<>();
    for (var meter : OperatorMeters.ALL) {
      meter
          .prometheusSeries()
          .forEach(series -> expected.put(series, new TreeSet<>(meter.tagKeys())));
    }
    assertThat(scrape.seriesLabels).isEqualTo(expected);
  }

  /** The metrics table of docs/observability.md lists every operator meter, typed and labelled. */
  @Test
  void everyMeterIsDocumented() {
    var documented = MetricsContract.documented();
    var declared =
        OperatorMeters.ALL.stream()
            .collect(
                Collectors.toMap(
                    OperatorMeters.Declared::prometheusName,
                    m ->
                        switch (m.type()) {
                              case TIMER -> "summary";
                              default -> m.type().name().toLowerCase();
                            }
                            + " "
                            + new TreeSet<>(m.tagKeys())));
    assertThat(documented).containsAllEntriesOf(declared);
  }

  @Test
  void tagValuesMustMatchTheDeclaredKeys() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> OperatorMeters.FAILOVERS.counter(registry, "ns/router"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
