package io.beastmode.observability;

import io.beastmode.operator.OperatorMeters;
import io.beastmode.testing.Dashboards;
import io.beastmode.testing.PromQl;
import io.beastmode.testing.PrometheusScrape;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the dashboards in k8s/dashboards and the metrics table of docs/observability.md promise,
 * checked against a scrape: every metric and label they name must be in it.
 */
public final class MetricsContract {
  /**
   * Labels Prometheus adds to every series it scrapes through a Service (ServiceMonitor or
   * kubernetes_sd relabelling).
   */
  static final Set<String> TARGET_LABELS = Set.of("namespace", "service", "pod", "job", "instance");

  static final Path DOCS = Path.of("docs", "observability.md");
  private static final Pattern DOC_ROW =
      Pattern.compile("(?m)^\\| `(beastmode_\\w+)` \\| (\\w+) \\| ([^|]*) \\|");
  private static final Pattern METER_NAME =
      Pattern.compile("(?:builder|counter|timer|gauge)\\(\\s*\"(beastmode\\.[a-z.]+)\"");

  /** What the placeholder gauges read; held here, as Micrometer holds gauge state weakly. */
  private static final AtomicInteger KEPT = new AtomicInteger();

  private MetricsContract() {}

  /** Each dashboard query and variable naming a metric or label the scrape does not hold. */
  public static List<String> dashboardProblems(PrometheusScrape scrape) {
    var problems = new ArrayList<String>();
    for (var query : Dashboards.queries()) {
      var refs = PromQl.refs(query.expr());
      if (refs.selectors().isEmpty()) {
        problems.add(query.where() + ": no metric in " + query.expr());
      }
      refs.selectors().forEach(s -> checkSelector(scrape, query.where(), s, problems));
      var labels = labelsOf(scrape, refs);
      refs.grouping().stream()
          .filter(l -> !labels.contains(l))
          .forEach(
              l ->
                  problems.add(
                      query.where() + ": groups by " + l + ", which none of its metrics has"));
    }
    for (var variable : Dashboards.variables()) {
      var refs = PromQl.refs(variable.selector());
      refs.selectors().forEach(s -> checkSelector(scrape, variable.where(), s, problems));
      if (!labelsOf(scrape, refs).contains(variable.label())) {
        problems.add(
            variable.where()
                + ": label "
                + variable.label()
                + " is not exported on "
                + variable.selector());
      }
    }
    return problems;
  }

  /** The metrics table of docs/observability.md: name to type and labels. */
  public static Map<String, String> documented() {
    Map<String, String> documented = new TreeMap<>();
    try {
      var row = DOC_ROW.matcher(Files.readString(DOCS));
      while (row.find()) {
        documented.put(
            row.group(1),
            row.group(2) + " " + new TreeSet<>(List.of(row.group(3).trim().split("\\s*,\\s*"))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documented;
  }

  /**
   * {@code beastmode_*} families as documented: named as queried (a counter with {@code _total}),
   * with type and labels, without the {@code _max} gauge a timer adds.
   */
  public static Map<String, String> exportedFamilies(PrometheusScrape scrape) {
    Map<String, String> families = new TreeMap<>();
    scrape.types.forEach(
        (family, type) -> {
          boolean timerMax =
              family.endsWith("_max")
                  && scrape.types.containsKey(family.substring(0, family.length() - 4));
          if (family.startsWith("beastmode_") && !timerMax) {
            var labels = new TreeSet<>(scrape.familyLabels.get(family));
            labels.removeAll(Set.of("le", "quantile"));
            families.put(type.equals("counter") ? family + "_total" : family, type + " " + labels);
          }
        });
    return families;
  }

  /**
   * Every operator meter of the catalogue, registered in {@code registry} with placeholder tag
   * values, as the recorders register them: a scrape then shows each as the operator exports it.
   */
  public static void registerOperatorMeters(MeterRegistry registry) {
    for (var meter : OperatorMeters.ALL) {
      String[] values = meter.tagKeys().stream().map(k -> "contract").toArray(String[]::new);
      switch (meter.type()) {
        case COUNTER -> meter.counter(registry, values);
        case TIMER -> meter.timer(registry, values);
        case GAUGE -> meter.gauge(registry, KEPT, AtomicInteger::get, values);
        default -> throw new AssertionError(meter + ": no placeholder for its type");
      }
    }
  }

  /**
   * Meters that the scrape lacks: the operator catalogue's, and those registered by name in the
   * rest of src/main/java (the router role's), as Prometheus names them.
   */
  public static List<String> metersMissingFrom(PrometheusScrape scrape) {
    var names = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path file :
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.endsWith(Path.of("operator", "OperatorMeters.java")))
              .toList()) {
        var matcher = METER_NAME.matcher(Files.readString(file));
        while (matcher.find()) {
          names.add(matcher.group(1).replace('.', '_'));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (names.size() < 10) {
      throw new AssertionError(
          "found only " + names + " in src/main/java: has the way meters are registered changed?");
    }
    var families = scrape.types.keySet();
    var missing =
        new ArrayList<>(
            names.stream()
                .filter(
                    name ->
                        Stream.of(name, name + "_total", name + "_seconds")
                            .noneMatch(families::contains))
                .toList());
    OperatorMeters.ALL.stream()
        .flatMap(m -> m.prometheusSeries().stream())
        .filter(series -> !scrape.seriesLabels.containsKey(series))
        .forEach(missing::add);
    return missing;
  }

  private static Set<String> labelsOf(PrometheusScrape scrape, PromQl.Refs refs) {
    var labels = new HashSet<>(TARGET_LABELS);
    refs.selectors()
        .forEach(s -> labels.addAll(scrape.seriesLabels.getOrDefault(s.metric(), Set.of())));
    return labels;
  }

  private static void checkSelector(
      PrometheusScrape scrape, String where, PromQl.Selector selector, List<String> problems) {
    var labels = scrape.seriesLabels.get(selector.metric());
    if (labels == null) {
      problems.add(where + ": " + selector.metric() + " is not exported");
      return;
    }
    selector.labels().stream()
        .filter(l -> !labels.contains(l) && !TARGET_LABELS.contains(l))
        .forEach(l -> problems.add(where + ": " + selector.metric() + " has no label " + l));
  }
}
