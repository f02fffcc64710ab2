package io.beastmode.router;

import static io.beastmode.router.RouterClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.router.config.ConfigYaml;
import io.beastmode.router.config.RoutingConfig;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.Dashboards;
import io.beastmode.testing.OperatorMeters;
import io.beastmode.testing.PromQl;
import io.beastmode.testing.PrometheusScrape;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dashboards in k8s/dashboards and the metrics list in docs/observability.md name only metrics
 * and labels a real scrape of {@code /q/metrics} holds. The router serves a miss, a hit, a bypass, a
 * retry with a fallback, a Redis outage and a config reload first, since its meters are created on
 * first use; the operator's meters come from its own recorders, run against this application's
 * Prometheus registry.
 */
@QuarkusTest
@QuarkusTestResource(value = RouterTestResource.class, restrictToAnnotatedClass = true)
class DashboardMetricsIT {
  /** Labels Prometheus adds to every series it scrapes through a Service (ServiceMonitor or kubernetes_sd relabelling). */
  static final Set<String> TARGET_LABELS = Set.of("namespace", "service", "pod", "job", "instance");
  static final Path DOCS = Path.of("docs", "observability.md");
  private static final Pattern DOC_ROW = Pattern.compile("(?m)^\\| `(beastmode_\\w+)` \\| (\\w+) \\| ([^|]*) \\|");
  private static final Pattern METER_NAME = Pattern.compile("(?:builder|counter|timer|gauge)\\(\\s*\"(beastmode\\.[a-z.]+)\"");

  private static PrometheusScrape scrape;

  @TestHTTPResource("/")
  URL url;

  @Inject
  MeterRegistry registry;

  @Test
  void everyDashboardQueryNamesExportedMetricsAndLabels() {
    var scrape = scrape();
    var problems = new ArrayList<String>();
    for (var query : Dashboards.queries()) {
      var refs = PromQl.refs(query.expr());
      if (refs.selectors().isEmpty()) {
        problems.add(query.where() + ": no metric in " + query.expr());
      }
      var labelsOfQuery = new HashSet<>(TARGET_LABELS);
      for (var selector : refs.selectors()) {
        checkSelector(scrape, query.where(), selector, problems);
        labelsOfQuery.addAll(scrape.seriesLabels.getOrDefault(selector.metric(), Set.of()));
      }
      refs.grouping().stream().filter(l -> !labelsOfQuery.contains(l))
          .forEach(l -> problems.add(query.where() + ": groups by " + l + ", which none of its metrics has"));
    }
    for (var variable : Dashboards.variables()) {
      var refs = PromQl.refs(variable.selector());
      refs.selectors().forEach(s -> checkSelector(scrape, variable.where(), s, problems));
      var labels = new HashSet<>(TARGET_LABELS);
      refs.selectors().forEach(s -> labels.addAll(scrape.seriesLabels.getOrDefault(s.metric(), Set.of())));
      if (!labels.contains(variable.label())) {
        problems.add(variable.where() + ": label " + variable.label() + " is not exported on " + variable.selector());
      }
    }
    assertThat(Dashboards.queries()).isNotEmpty();
    assertThat(problems).isEmpty();
  }

  @Test
  void theDocsListEveryExportedMetricWithItsTypeAndLabels() throws IOException {
    Map<String, String> documented = new TreeMap<>();
    var matcher = DOC_ROW.matcher(Files.readString(DOCS));
    while (matcher.find()) {
      documented.put(matcher.group(1), matcher.group(2) + " " + new TreeSet<>(List.of(matcher.group(3).trim().split("\\s*,\\s*"))));
    }
    assertThat(documented).isEqualTo(exportedFamilies(scrape()));
  }

  @Test
  void everyMeterTheCodeRegistersIsInTheScrape() throws IOException {
    var names = new TreeSet<String>();
    try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        var matcher = METER_NAME.matcher(Files.readString(file));
        while (matcher.find()) {
          names.add(matcher.group(1).replace('.', '_'));
        }
      }
    }
    var families = scrape().types.keySet();
    assertThat(names).hasSizeGreaterThan(15).allSatisfy(name ->
        assertThat(Stream.of(name, name + "_total", name + "_seconds").anyMatch(families::contains))
            .as(name + " is registered in src/main/java but not exported: serve or record it in this test").isTrue());
  }

  /**
   * {@code beastmode_*} families as documented: named as queried (a counter with {@code _total}), with
   * type and labels, without the {@code _max} gauge a timer adds.
   */
  static Map<String, String> exportedFamilies(PrometheusScrape scrape) {
    Map<String, String> families = new TreeMap<>();
    scrape.types.forEach((family, type) -> {
      boolean timerMax = family.endsWith("_max") && scrape.types.containsKey(family.substring(0, family.length() - 4));
      if (family.startsWith("beastmode_") && !timerMax) {
        var labels = new TreeSet<>(scrape.familyLabels.get(family));
        labels.removeAll(Set.of("le", "quantile"));
        families.put(type.equals("counter") ? family + "_total" : family, type + " " + labels);
      }
    });
    return families;
  }

  private static void checkSelector(PrometheusScrape scrape, String where, PromQl.Selector selector, List<String> problems) {
    var labels = scrape.seriesLabels.get(selector.metric());
    if (labels == null) {
      problems.add(where + ": " + selector.metric() + " is not exported");
      return;
    }
    selector.labels().stream().filter(l -> !labels.contains(l) && !TARGET_LABELS.contains(l))
        .forEach(l -> problems.add(where + ": " + selector.metric() + " has no label " + l));
  }

  private synchronized PrometheusScrape scrape() {
    if (scrape == null) {
      var router = new RouterClient(url.toString());
      serveEveryKindOfRequest(router);
      OperatorMeters.record(registry);
      String text = router.get("/q/metrics").body();
      write(Path.of("target", "metrics-scrape.txt"), text);
      scrape = PrometheusScrape.parse(text);
    }
    return scrape;
  }

  private static void serveEveryKindOfRequest(RouterClient router) {
    RouterTestResource.openai.simulator().configure(RouterTestResource.openaiModels());
    RouterTestResource.openWeights.simulator().configure(RouterTestResource.openWeightsModels());
    RouterTestResource.peer.simulator().outage(Outage.none);
    Vertx vertx = Vertx.vertx();
    // A model of its own that always fails, so its open circuit cannot disturb other tests.
    var flaky = SimulatorServer.start(vertx, 0, new SimulatorConfig(
        List.of(new SimulatedModel("flaky", null, 0, 0, 0, 1.0, 500, Outage.none)), Outage.none));
    try {
      RoutingConfig withFlaky = RouterTestResource.baseline();
      var models = new ArrayList<>(withFlaky.models());
      models.add(RouterTestResource.model("flaky", "flaky", flaky.baseUrl(), 0.1, 0.1, 0.9, 128_000, true));
      reconfigure(router, new RoutingConfig(withFlaky.router(), withFlaky.region(), models, withFlaky.selection(),
          withFlaky.cache(), withFlaky.fallback(), withFlaky.circuitBreaker(), withFlaky.limits()));

      String cached = chat("auto", "dashboards " + unique());
      assertThat(header(router.post("/v1/chat/completions", cached), "x-beastmode-cache")).isEqualTo("miss");
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
          .until(() -> "hit".equals(header(router.post("/v1/chat/completions", cached), "x-beastmode-cache")));
      assertThat(header(router.post("/v1/chat/completions", cached, "cache-control", "no-cache"), "x-beastmode-cache")).isEqualTo("bypass");

      HttpResponse<String> fellBack = router.post("/v1/chat/completions", chat("flaky", "fall back " + unique()));
      assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
      assertThat(header(fellBack, "x-beastmode-model")).isNotEqualTo("flaky");

      RouterTestResource.redis.stop();
      try {
        router.post("/v1/chat/completions", chat("auto", "no cache " + unique()));
      } finally {
        RouterTestResource.redis.startAgain();
      }
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .until(() -> "hit".equals(header(router.post("/v1/chat/completions", cached), "x-beastmode-cache")));
    } finally {
      reconfigure(router, RouterTestResource.baseline());
      flaky.close();
      vertx.close();
    }
    assertThat(router.metric("beastmode_router_retries_total")).isPositive();
    assertThat(router.metric("beastmode_router_fallbacks_total", "from=\"flaky\"")).isPositive();
    assertThat(router.metric("beastmode_router_cache_errors_total")).isPositive();
  }

  /** Writes the routing file and waits until the router applied it. */
  private static void reconfigure(RouterClient router, RoutingConfig config) {
    String next = ConfigYaml.write(config);
    try {
      if (Files.readString(RouterTestResource.routingFile).equals(next)) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double applied = router.metric("beastmode_router_config_reloads_total", "result=\"applied\"");
    RouterTestResource.write(config);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> router.metric("beastmode_router_config_reloads_total", "result=\"applied\"") > applied);
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
