package io.beastmode.pods;

import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeySpec;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.bench.BenchResults;
import io.beastmode.bench.router.LoadGenerator;
import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.bench.router.RouterMemoryBench;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterHeartbeats;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.PodImage;
import io.beastmode.testing.RedisServer;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator (in this JVM, against a region with a real node) deploys a router for an LLMRouter
 * in the hub's own region, and the router runs as a real pod from the project's image, in front of
 * a simulator pod from the same image, with the region's Redis on the host: its probes pass, it
 * runs as user 10001 on a read-only root, its Service answers, it takes sustained load at its
 * default memory limit, and traffic and keys changes reach the running pod without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RouterPodsIT {
  static final String NS = "pods";
  static final String ROUTER = "chat";

  /** Seconds of load; {@code make bench-router-pod-memory} runs longer. */
  static final long LOAD_SECONDS = Long.getLong("pods.loadSeconds", 60);

  static RouterOnNode fixture;
  static NodeRegion region;
  static KubernetesClient client;
  static RedisServer redis;
  static Vertx vertx;
  static String routerPod;
  static String serviceUrl;

  @BeforeAll
  static void deployTheRouter() {
    // Open until the last test closes it, which is the hot reload it checks.
    fixture = RouterOnNode.start(NS, ROUTER, chat -> chat.getSpec().autoscaling.enabled = false);
    region = fixture.region;
    client = fixture.client;
    redis = fixture.redis;
    serviceUrl = fixture.serviceUrl;
    routerPod = fixture.readyPods().get(0);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  @Order(1)
  void theRouterPodRunsLockedDownAndItsServiceAnswers() throws Exception {
    var pod = client.pods().inNamespace(NS).withName(routerPod).get();
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo(PodImage.REFERENCE);
    assertThat(exec(routerPod, "id", "-u")).isEqualTo(new ExecResult(0, "10001\n"));
    var write = exec(routerPod, "touch", "/deployments/x");
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.output()).contains("Read-only file system");
    assertThat(exec(routerPod, "touch", "/tmp/x").exitCode()).isZero();

    assertThat(statusEventually(serviceUrl, null, 200)).isEqualTo(200);
    // It publishes heartbeats to the region's Redis, running the traffic file of its ConfigMap.
    var configMap =
        client.configMaps().inNamespace(NS).withName(RoutingConfigMap.name(ROUTER)).get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> heartbeatOf(routerPod),
            beat ->
                beat != null
                    && beat.trafficVersion().equals(RoutingConfigMap.trafficHash(configMap))
                    && beat.configVersion().equals(RoutingConfigMap.configHash(configMap)));
  }

  @Test
  @Order(2)
  void atItsDefaultMemoryLimitItTakesSustainedLoadWithoutARestart() throws Exception {
    var headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    var answered = new Target(serviceUrl, headers, RouterMemoryBench.bodies(false, true));
    var streamed = new Target(serviceUrl, headers, RouterMemoryBench.bodies(true, true));
    var hits = new Target(serviceUrl, headers, RouterMemoryBench.bodies(false, false));
    int inFlight = 300;
    int hitRate = 100;
    var length = Duration.ofSeconds(LOAD_SECONDS);
    LoadGenerator.Result answers;
    LoadGenerator.Result streams;
    LoadGenerator.Result cacheHits;
    try (var misses = new LoadGenerator(inFlight + 20);
        var hitLoad = new LoadGenerator(64)) {
      var streaming =
          CompletableFuture.supplyAsync(() -> misses.closedLoop(streamed, inFlight / 3, length));
      var hitting = CompletableFuture.supplyAsync(() -> hitLoad.openLoop(hits, hitRate, length));
      answers = misses.closedLoop(answered, inFlight - inFlight / 3, length);
      streams = streaming.join();
      cacheHits = hitting.join();
    }

    String limit = new RouterPodSpec().memory;
    double limitMiB = Quantity.getAmountInBytes(new Quantity(limit)).doubleValue() / 1024 / 1024;
    double peak = region.peakMemoryMiB(NS, routerPod);
    System.out.printf(
        "router pod under %d in flight (a third streamed) + %d cache hits/s for %d s:"
            + " %d answered, %d streamed, %d cache hits; peak memory %.0f MiB of its %s limit"
            + " (%.0f%%)%n",
        inFlight,
        hitRate,
        LOAD_SECONDS,
        answers.requests(),
        streams.requests(),
        cacheHits.requests(),
        peak,
        limit,
        100 * peak / limitMiB);
    var router = client.pods().inNamespace(NS).withName(routerPod).get();
    ContainerStatus status = router.getStatus().getContainerStatuses().get(0);
    String benchOut = System.getProperty("pods.benchOut");
    if (benchOut != null) {
      var load = new LinkedHashMap<String, Object>();
      load.put("answered", figures(answers));
      load.put("streamed", figures(streams));
      load.put("cache hits", figures(cacheHits));
      var report = new LinkedHashMap<String, Object>();
      report.put("memory_limit", limit);
      report.put("seconds", LOAD_SECONDS);
      report.put("in_flight", inFlight);
      report.put("cache_hits_per_second", hitRate);
      report.put("peak_memory_mib", Math.round(peak));
      report.put("peak_of_limit", Math.round(100 * peak / limitMiB) / 100.0);
      report.put("restarts", status.getRestartCount());
      report.put("oom_killed", status.getLastState().getTerminated() != null);
      report.put("load", load);
      writeReport(Path.of(benchOut), report);
    }
    assertThat(router.getSpec().getContainers().get(0).getResources().getLimits().get("memory"))
        .isEqualTo(new Quantity(limit));
    assertThat(status.getRestartCount()).as("restarts").isZero();
    assertThat(status.getLastState().getTerminated()).as("an earlier run ended").isNull();
    assertThat(status.getReady()).isTrue();
    for (var result : List.of(answers, streams, cacheHits)) {
      assertThat(result.requests()).isPositive();
      assertThat(result.errors()).as("unanswered: %s", result.firstError()).isZero();
    }
  }

  @Test
  @Order(3)
  void trafficAndKeysChangesReachTheRunningPodWithoutARestart() throws Exception {
    var before = heartbeatOf(routerPod);
    String template = Fixtures.configHashOfTemplate(client, NS, ROUTER);

    // A second region for the router, a member cluster out of reach (no kubeconfig Secret) with a
    // router endpoint: it becomes a peer in the local region's traffic.yaml; routing.yaml stays.
    var remote = memberRegion("remote", 2, NS, "remote-kubeconfig");
    remote.getSpec().routerEndpoint = "http://routers.remote.example:8080";
    client.resource(remote).create();
    Fixtures.edit(
        client.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER),
        r ->
            r.getSpec().regions =
                List.of(new RegionPlacement("local", 1), new RegionPlacement("remote", 1)));
    var configMap = client.configMaps().inNamespace(NS).withName(RoutingConfigMap.name(ROUTER));
    String newTraffic =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> RoutingConfigMap.trafficHash(configMap.get()),
                hash -> !hash.equals(before.trafficVersion()));
    // The operator pushes the ConfigMap's files through the region's Redis as it writes them; the
    // kubelet would refresh the mounted copy only within its sync period (about a minute).
    long changed = System.nanoTime();
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> heartbeatOf(routerPod),
            beat -> beat != null && beat.trafficVersion().equals(newTraffic));
    System.out.printf(
        "the running pod runs the new traffic.yaml %.1f s after its ConfigMap changed%n",
        (System.nanoTime() - changed) / 1e9);
    String metrics = metricsOf(routerPod);
    assertThat(metrics)
        .as("the change came through Redis")
        .containsPattern(
            "beastmode_router_config_reloads_total\\{[^}]*result=\"applied\",source=\"push\"[^}]*\\} [1-9]");
    assertThat(
            metrics
                .lines()
                .filter(line -> line.startsWith("beastmode_router_config_revision{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst())
        .as("the revision in force is the ConfigMap's")
        .hasValue(RoutingConfigMap.revision(configMap.get()));
    assertThat(Fixtures.configHashOfTemplate(client, NS, ROUTER))
        .as("the Deployment did not roll")
        .isEqualTo(template);

    // Keys mode and a key: keys.yaml changes, routing.yaml does not.
    Fixtures.edit(
        client.resources(LLMRouter.class).inNamespace(NS).withName(ROUTER),
        r -> r.getSpec().access.mode = AccessMode.keys);
    var key = new ApiKey();
    key.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace(NS).build());
    key.setSpec(new ApiKeySpec());
    key.getSpec().routers = List.of(new NamedReference(ROUTER));
    key.getSpec().tenant = "shop";
    client.resource(key).create();
    var secret =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> client.secrets().inNamespace(NS).withName("web-api-key").get(),
                s ->
                    s != null && s.getData() != null && s.getData().get(ApiKey.SECRET_KEY) != null);
    String value =
        new String(
            Base64.getDecoder().decode(secret.getData().get(ApiKey.SECRET_KEY)),
            StandardCharsets.UTF_8);

    // At the running pod itself: the Service may also reach a pod started since (with the remote
    // region out of reach, the operator gives the local one more replicas).
    String podUrl = "http://" + region.podIp(NS, routerPod) + ":8080/v1/chat/completions";
    assertThat(statusEventually(podUrl, null, 401)).as("without a key").isEqualTo(401);
    assertThat(statusEventually(podUrl, "Bearer " + value, 200)).as("with it").isEqualTo(200);

    var pod = client.pods().inNamespace(NS).withName(routerPod).get();
    assertThat(pod.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount()).isZero();
    assertThat(Fixtures.configHashOfTemplate(client, NS, ROUTER))
        .as("the Deployment did not roll")
        .isEqualTo(template);
    var after = heartbeatOf(routerPod);
    assertThat(after.startedAt()).as("the same process").isEqualTo(before.startedAt());
    assertThat(after.configVersion()).isEqualTo(before.configVersion());
  }

  private static Map<String, Object> figures(LoadGenerator.Result result) {
    return Map.of(
        "requests", result.requests(),
        "errors", result.errors(),
        "p50_ms", Math.round(result.percentileMs(50)),
        "p99_ms", Math.round(result.percentileMs(99)));
  }

  /** {@code out}.json and .md: what {@code make bench-router-pod-memory} records. */
  private static void writeReport(Path out, Map<String, Object> report) throws IOException {
    var md = new StringBuilder();
    md.append("# A router pod under sustained load (make bench-router-pod-memory)\n\n")
        .append("One router pod the operator deployed on a real node (kubelet, containerd, runc),")
        .append(" from the project's image at its default limits (memory ")
        .append(report.get("memory_limit"))
        .append("). Load through its Service's ClusterIP: ")
        .append(report.get("in_flight"))
        .append(" requests in flight against a simulator pod answering in 1.5 s (bodies")
        .append(" 0.2-20 KB, a third streamed) plus ")
        .append(report.get("cache_hits_per_second"))
        .append(" cache hits/s, for ")
        .append(report.get("seconds"))
        .append(" s.\n\n")
        .append(
            BenchResults.table(
                List.of("peak memory (pod cgroup)", "of the limit", "restarts", "OOM killed"),
                List.of(
                    List.of(
                        report.get("peak_memory_mib") + " MiB",
                        Math.round((double) report.get("peak_of_limit") * 100) + "%",
                        report.get("restarts"),
                        report.get("oom_killed")))))
        .append("\n")
        .append(
            BenchResults.table(
                List.of("load", "requests", "errors", "p50 ms", "p99 ms"),
                RouterMemoryBench.loadRows(report, "requests", "errors", "p50_ms", "p99_ms")));
    md.append(
        "\nPeak memory is the pod's memory cgroup high-water mark (memory.max_usage_in_bytes):"
            + " what the limit is held against, page cache included. The load generator, the"
            + " simulator and the node share the machine's cores, so latencies say little.\n");
    BenchResults.write(out, report, md);
  }

  /** The pod's Prometheus metrics, from its management port. */
  private static String metricsOf(String pod) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://" + region.podIp(NS, pod) + ":9000/q/metrics"))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static io.beastmode.wire.Heartbeat heartbeatOf(String pod) throws Exception {
    var heartbeats = new RouterHeartbeats(new RegionRedisClients(vertx));
    return heartbeats.read(redis.url(), NS + "/" + ROUTER, "local", Duration.ofSeconds(5)).stream()
        .map(RouterHeartbeats.Observed::beat)
        .filter(beat -> beat.pod().equals(pod))
        .findFirst()
        .orElse(null);
  }

  record ExecResult(int exitCode, String output) {}

  /** {@code command} run in the pod's container; stdout and stderr together. */
  private static ExecResult exec(String pod, String... command) throws Exception {
    var output = new ByteArrayOutputStream();
    try (var exec =
        client
            .pods()
            .inNamespace(NS)
            .withName(pod)
            .writingOutput(output)
            .writingError(output)
            .exec(command)) {
      int exit = exec.exitCode().get(60, TimeUnit.SECONDS);
      return new ExecResult(exit, output.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * The status a chat completion gets once it is {@code expected}, or the last one, within three
   * minutes: kube-proxy writes a new Service's rules within seconds, a mounted ConfigMap changes
   * within the kubelet's sync period.
   */
  private static int statusEventually(String url, String authorization, int expected)
      throws InterruptedException {
    int status = -1;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (status != expected && System.nanoTime() < deadline) {
      if (status != -1) {
        Thread.sleep(1000);
      }
      status = completion(url, authorization);
    }
    return status;
  }

  /** A new client each time: a pooled connection would keep going where it was first routed. */
  private static int completion(String url, String authorization) throws InterruptedException {
    var request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\""
                        + RouterMemoryBench.MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"));
    if (authorization != null) {
      request.header("authorization", authorization);
    }
    try {
      return HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(3))
          .build()
          .send(request.build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    }
  }
}
