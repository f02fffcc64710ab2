package io.beastmode.observability;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.beastmode.demo.LocalKubelet;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Dashboards;
import io.beastmode.testing.PlatformCrds;
import io.beastmode.testing.Ports;
import io.beastmode.testing.Prometheus;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.ServerProcess;
import io.beastmode.testing.TempFiles;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboards and the operator's alerts on a real Prometheus. The packaged application runs as
 * the operator against a real kube-apiserver, with one Region, a ModelPool on the simulator, an
 * LLMRouter and a ServiceLevelObjective; its router runs as a process from the Deployment and
 * ConfigMap the operator wrote (the demo's kubelet stand-in). A Prometheus process scrapes both
 * management ports every second, with the {@code namespace} and {@code service} labels the
 * documented ServiceMonitor gives routers, and loads the PrometheusRule the operator wrote. After a
 * little traffic through the router, every query of k8s/dashboards runs through Prometheus's HTTP
 * API as Grafana runs it: it must parse, and it must return a number, unless {@link #NO_DATA_HERE}
 * lists it with the reason it cannot here.
 */
class DashboardQueriesProcessIT {
  private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  private static final Path WORK = Path.of("target", "process-it", "DashboardQueriesProcessIT");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private static final String NAMESPACE = "dashboards";
  private static final String ROUTER = "assistant";
  private static final String REGION = "eu-west";

  /** Prometheus scrapes and evaluates every second; Grafana's $__rate_interval is then 4 s. */
  private static final String RATE_INTERVAL = "4s";

  private static final int REQUESTS = 40;

  /**
   * Queries that cannot return data in this run, by where they are ({@code file: panel / refId}),
   * with the reason. Each still has to parse.
   */
  static final Map<String, String> NO_DATA_HERE =
      Map.ofEntries(
          Map.entry(
              "fleet.json: Failovers / A",
              "beastmode_failovers_total appears on the first failover; one region cannot fail over"),
          Map.entry(
              "fleet.json: Mean time to apply / converge / A",
              "the failover timers appear on the first failover"),
          Map.entry(
              "fleet.json: Mean time to apply / converge / B",
              "the failover timers appear on the first failover"),
          Map.entry(
              "fleet.json: Slowest recent failover / A",
              "the failover timers appear on the first failover"),
          Map.entry(
              "fleet.json: Slowest recent failover / B",
              "the failover timers appear on the first failover"));

  private static final Running running = new Running();
  private static ApiServer server;
  private static Prometheus prometheus;
  private static Instant start;
  private static Instant end;

  @BeforeAll
  static void start() throws Exception {
    assertThat(JAR).as("the packaged application (mvn package)").exists();
    TempFiles.delete(WORK);
    Files.createDirectories(WORK);
    try {
      startEverything();
    } catch (Exception | AssertionError e) {
      stop();
      throw e;
    }
  }

  private static void startEverything() throws Exception {
    server = ApiServer.start().withCrds().withPlatformCrds(PlatformCrds.HUB);
    running.add(server);
    var redis = RedisServer.start();
    running.add(redis);
    var vertx = Vertx.vertx();
    running.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, SECONDS));
    var upstream =
        SimulatorServer.start(
            vertx,
            0,
            new SimulatorConfig(
                List.of(
                    new SimulatedModel("steady", null, 5, 5, 0, 0, 500, Outage.none),
                    new SimulatedModel("premium", null, 5, 5, 0, 0, 500, Outage.none),
                    // always fails: requests for it are retried, then fall back to steady
                    new SimulatedModel("flaky", null, 0, 0, 0, 1.0, 503, Outage.none),
                    // always refuses: rate limiting is no fallback trigger here, so clients get
                    // the 429, which burns the objective's budget
                    new SimulatedModel("overloaded", null, 0, 0, 0, 1.0, 429, Outage.none)),
                null));
    running.add(upstream);

    Path kubeconfig = WORK.resolve("kubeconfig");
    Files.writeString(kubeconfig, server.kubeconfig());
    int operatorManagement = Ports.free();
    var operator =
        ServerProcess.start(
            "operator",
            List.of(ServerProcess.java(), "-XX:TieredStopAtLevel=1", "-jar", JAR.toString()),
            Map.of(
                "BEASTMODE_ROLE",
                "operator",
                "KUBECONFIG",
                kubeconfig.toAbsolutePath().toString(),
                "QUARKUS_HTTP_PORT",
                "0",
                "QUARKUS_MANAGEMENT_HOST",
                "127.0.0.1",
                "QUARKUS_MANAGEMENT_PORT",
                Integer.toString(operatorManagement),
                "QUARKUS_VERTX_CACHE_DIRECTORY",
                WORK.resolve("vertx-cache").toAbsolutePath().toString()),
            WORK);
    running.add(operator);
    var kubelet = new LocalKubelet(REGION, server.client(), WORK.resolve("kubelet"));
    running.add(kubelet);
    operator.awaitHttp("http://127.0.0.1:" + operatorManagement + "/q/health/ready");

    server
        .client()
        .load(
            new ByteArrayInputStream(
                objects(redis.url(), upstream.baseUrl()).getBytes(StandardCharsets.UTF_8)))
        .serverSideApply();
    await()
        .atMost(Duration.ofMinutes(3))
        .until(() -> !kubelet.readyManagementAddresses().isEmpty());
    InetSocketAddress router = kubelet.nextRouter();

    Path rules = WORK.resolve("prometheus").resolve("operator-rules.yaml");
    Files.createDirectories(rules.getParent());
    Files.writeString(rules, YAML.writeValueAsString(operatorRule().get("spec")));
    prometheus =
        Prometheus.start(
            WORK.resolve("prometheus"),
            config(operatorManagement, kubelet.readyManagementAddresses(), rules));
    running.add(prometheus);
    start = Instant.now();
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () ->
                assertThat(prometheus.sum("up"))
                    .as("targets up; see " + prometheus.log())
                    .isEqualTo(2));

    traffic(router);
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              assertThat(prometheus.sum("sum(beastmode_router_requests_total)"))
                  .isGreaterThanOrEqualTo(REQUESTS);
              assertThat(prometheus.sum("beastmode_slo_actions_total{action=\"Alert\"}"))
                  .as("the objective's Alert action taken")
                  .isGreaterThanOrEqualTo(1);
              assertThat(prometheus.sum("ALERTS{alertstate=\"firing\"}"))
                  .as("its alert firing")
                  .isEqualTo(1);
            });
    end = Instant.now();
  }

  @AfterAll
  static void stop() {
    running.close();
  }

  @Test
  void everyDashboardQueryParsesAndReturnsData() {
    var failures = new ArrayList<String>();
    var listed = new ArrayList<String>();
    for (Path file : Dashboards.files()) {
      Map<String, String> variables = variables(file, failures);
      for (var query : Dashboards.queries(file)) {
        String expr = substitute(query.expr(), variables);
        JsonNode answer = prometheus.queryRange(expr, start, end, Duration.ofSeconds(1));
        if (!"success".equals(answer.path("status").asText())) {
          failures.add(query.where() + ": " + answer.path("error").asText() + "\n    " + expr);
        } else if (NO_DATA_HERE.containsKey(query.where())) {
          listed.add(query.where());
        } else if (!hasNumber(answer)) {
          failures.add(query.where() + ": no data\n    " + expr);
        }
      }
    }

    assertThat(failures).as(String.join("\n", failures)).isEmpty();
    assertThat(listed)
        .as("every query listed as having no data here is in a dashboard")
        .containsExactlyInAnyOrderElementsOf(NO_DATA_HERE.keySet());
  }

  @Test
  void theOperatorsBurnRateAlertsLoadIntoPrometheus() {
    JsonNode groups = prometheus.api("rules", Map.of()).path("data").path("groups");

    assertThat(groups).as("rule groups").hasSize(1);
    assertThat(groups.get(0).path("rules"))
        .isNotEmpty()
        .allSatisfy(
            rule -> {
              assertThat(rule.path("name").asText()).isEqualTo("BeastModeSloBurn");
              assertThat(rule.path("health").asText())
                  .as(rule.path("lastError").asText())
                  .isEqualTo("ok");
            });
  }

  @Test
  void theBurningObjectiveFiresTheOperatorsAlertOnPrometheus() {
    JsonNode alerts =
        prometheus
            .queryRange(
                "ALERTS{alertname=\"BeastModeSloBurn\", alertstate=\"firing\"}",
                start,
                end,
                Duration.ofSeconds(1))
            .path("data")
            .path("result");

    assertThat(alerts).as("firing alerts").hasSize(1);
    JsonNode labels = alerts.get(0).path("metric");
    assertThat(labels.path("slo").asText()).isEqualTo(NAMESPACE + "/" + ROUTER);
    assertThat(labels.path("rule").asText()).isEqualTo("fast");
    assertThat(labels.path("severity").asText()).isEqualTo("warning");
  }

  /** The counter is there at zero before the action, so increase() counts the first one. */
  @Test
  void theFirstSloActionCountsOnTheFleetDashboard() {
    var panel =
        Dashboards.queries(Dashboards.DIRECTORY.resolve("fleet.json")).stream()
            .filter(q -> q.where().equals("fleet.json: SLO actions taken / A"))
            .findFirst()
            .orElseThrow();
    JsonNode answer = prometheus.query(substitute(panel.expr(), Map.of("slo", ".*")), end);

    double alerts = 0;
    for (JsonNode series : answer.path("data").path("result")) {
      if (series.path("metric").path("action").asText().equals("Alert")) {
        alerts = series.path("value").path(1).asDouble();
      }
    }
    assertThat(alerts).as(answer.toString()).isGreaterThanOrEqualTo(1);
  }

  /**
   * Each query variable of {@code file} set to every value its {@code label_values} query returns,
   * as a user who ticks them all; one that returns none is a failure.
   */
  private static Map<String, String> variables(Path file, List<String> failures) {
    var values = new LinkedHashMap<String, String>();
    for (var variable : Dashboards.variables(file)) {
      String selector = substitute(variable.selector(), values);
      JsonNode answer =
          prometheus.api(
              "label/" + variable.label() + "/values",
              Map.of(
                  "match[]",
                  selector,
                  "start",
                  Long.toString(start.getEpochSecond()),
                  "end",
                  Long.toString(end.getEpochSecond())));
      var found = new ArrayList<String>();
      answer.path("data").forEach(value -> found.add(value.asText()));
      if (found.isEmpty()) {
        failures.add(variable.where() + ": no values (" + answer + ")\n    " + selector);
      }
      values.put(
          variable.name(),
          found.stream()
              .map(DashboardQueriesProcessIT::regexEscaped)
              .collect(Collectors.joining("|", "(", ")")));
    }
    return values;
  }

  /** A label value as Grafana puts it into a regex matcher: regex escaped, inside a string. */
  private static String regexEscaped(String value) {
    var escaped = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (".+*?()|[]{}^$\\".indexOf(c) >= 0) {
        escaped.append("\\\\");
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  /** Grafana's variables in {@code expr}: the dashboard's, $__rate_interval and $__range. */
  private static String substitute(String expr, Map<String, String> variables) {
    String result =
        expr.replace("$__rate_interval", RATE_INTERVAL)
            .replace("$__range", Duration.between(start, end).toSeconds() + "s");
    for (var variable : variables.entrySet()) {
      result = result.replace("$" + variable.getKey(), variable.getValue());
    }
    return result;
  }

  /** Whether a range query's answer holds at least one finite number. */
  private static boolean hasNumber(JsonNode answer) {
    for (JsonNode series : answer.path("data").path("result")) {
      for (JsonNode point : series.path("values")) {
        String value = point.path(1).asText();
        if (!value.contains("NaN") && !value.contains("Inf")) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Requests through the router: new prompts (misses, on the cheapest model above the floor), the
   * same prompt again (exact cache hits), the always-failing model (retried, then a fallback), the
   * always-refusing one (a 429 to the client: a sixth of the requests fail, which burns a 99 %
   * objective 16 times too fast) and a model no pool has (a 4xx).
   */
  private static void traffic(InetSocketAddress router) throws Exception {
    for (int i = 0; i < REQUESTS; i++) {
      String model =
          switch (i % 6) {
            case 3 -> "flaky";
            case 4 -> "overloaded";
            case 5 -> "unknown-model";
            default -> "auto";
          };
      String prompt = i % 6 == 1 ? "the same question" : "question " + i;
      var body = JSON.createObjectNode().put("model", model).put("max_tokens", 32);
      body.putArray("messages").addObject().put("role", "user").put("content", prompt);
      HTTP.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + router.getPort() + "/v1/chat/completions"))
              .timeout(Duration.ofSeconds(30))
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
              .build(),
          HttpResponse.BodyHandlers.discarding());
      // Spread over several scrapes, so rates over $__rate_interval see the counters move.
      Thread.sleep(200);
    }
  }

  /** The PrometheusRule the operator wrote for the objective, once it has. */
  private static Map<String, Object> operatorRule() {
    var context =
        new ResourceDefinitionContext.Builder()
            .withGroup("monitoring.coreos.com")
            .withVersion("v1")
            .withKind("PrometheusRule")
            .withPlural("prometheusrules")
            .withNamespaced(true)
            .build();
    var rule = new AtomicReference<GenericKubernetesResource>();
    await()
        .atMost(Duration.ofMinutes(1))
        .until(
            () -> {
              rule.set(
                  server
                      .client()
                      .genericKubernetesResources(context)
                      .inNamespace(NAMESPACE)
                      .withName(ROUTER + "-burn-rate")
                      .get());
              return rule.get() != null;
            });
    return rule.get().getAdditionalProperties();
  }

  /**
   * Both processes' management ports, every second; routers with the labels the documented
   * ServiceMonitor gives them.
   */
  private static String config(
      int operatorManagement, List<InetSocketAddress> routers, Path rules) {
    String routerTargets =
        routers.stream()
            .map(a -> "'127.0.0.1:" + a.getPort() + "'")
            .collect(Collectors.joining(", "));
    return """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files:
          - %s
        scrape_configs:
          - job_name: beast-mode-operator
            metrics_path: /q/metrics
            static_configs:
              - targets: ['127.0.0.1:%d']
          - job_name: beast-mode-routers
            metrics_path: /q/metrics
            static_configs:
              - targets: [%s]
                labels: {namespace: %s, service: %s}
        """
        .formatted(rules.toAbsolutePath(), operatorManagement, routerTargets, NAMESPACE, ROUTER);
  }

  /**
   * One region on this API server with its Redis, three models on the simulator, a router in the
   * region open to anyone, and an objective with a burn-rate rule that alerts.
   */
  private static String objects(String redis, String simulator) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: beastmode.io/v1alpha1
        kind: Region
        metadata: {name: %3$s}
        spec:
          location: {provider: onprem, geo: %3$s}
          redis: {url: '%4$s'}
          healthCheck: {intervalSeconds: 1, timeoutSeconds: 1, failureThreshold: 2, successThreshold: 1}
        ---
        apiVersion: beastmode.io/v1alpha1
        kind: ModelPool
        metadata: {name: simulated, namespace: %1$s}
        spec:
          models:
            - name: steady
              endpoints: [{url: '%5$s'}]
              pricing: {inputPerMillion: 0.15, outputPerMillion: 0.60}
              quality: {score: 0.8}
            - name: premium
              endpoints: [{url: '%5$s'}]
              pricing: {inputPerMillion: 2.50, outputPerMillion: 10.00}
              quality: {score: 0.9}
            - name: flaky
              endpoints: [{url: '%5$s'}]
              pricing: {inputPerMillion: 1.00, outputPerMillion: 2.00}
              quality: {score: 0.85}
            - name: overloaded
              endpoints: [{url: '%5$s'}]
              pricing: {inputPerMillion: 1.00, outputPerMillion: 2.00}
              quality: {score: 0.85}
        ---
        apiVersion: beastmode.io/v1alpha1
        kind: LLMRouter
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          modelPools: [{name: simulated}]
          regions: [{name: %3$s, replicas: 1}]
          selection: {policy: cost, qualityFloor: 0.75, aliases: [auto]}
          cache: {mode: exact}
          fallback: {chain: [steady], triggers: [serverError], maxAttempts: 3}
          access: {mode: open}
          autoscaling: {minReplicas: 1, maxReplicas: 2}
        ---
        apiVersion: beastmode.io/v1alpha1
        kind: ServiceLevelObjective
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          routerRef: {name: %2$s}
          targets: {availabilityPercent: 99.0}
          evaluationIntervalSeconds: 5
          burnRateRules:
            - {name: fast, longWindow: 60s, shortWindow: 20s, burnRate: 2, actions: [Alert]}
        """
        .formatted(NAMESPACE, ROUTER, REGION, redis, simulator);
  }
}
