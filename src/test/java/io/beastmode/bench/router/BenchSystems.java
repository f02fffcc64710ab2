package io.beastmode.bench.router;

import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.testing.Ports;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.ServerProcess;
import io.beastmode.wire.Digests;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongFunction;

/**
 * The upstreams and the systems under test, each a process of its own on loopback. nginx is the
 * upstream: {@code /fast/} answers a fixed chat completion at once, {@code /anthropic/v1/messages}
 * a fixed Anthropic Messages answer, {@code /slow/} passes to the simulator, which answers after 60
 * ms (streamed answers too) in either API. Every system gets the same chat bodies; the router's
 * Messages rows get the same question as a Messages body.
 */
final class BenchSystems implements AutoCloseable {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** Both Java systems run as in a pod with a 1 GiB memory limit. */
  static final String JVM_MEMORY = "-XX:MaxRAM=1g";

  /** A process's temporary files go into the run's work directory, deleted after a good run. */
  static String tmpdir(Path work) {
    return "-Djava.io.tmpdir=" + work.toAbsolutePath();
  }

  static final String FAST_MODEL = "bench-fast";
  static final String SLOW_MODEL = "bench-60ms";
  static final String FAST_ANSWER =
      """
      {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-fast",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},"finish_reason":"stop"}],\
      "usage":{"prompt_tokens":14,"completion_tokens":7,"total_tokens":21}}""";

  /** Models with {@code upstream: {kind: anthropic}}: the same two upstreams in Messages. */
  static final String ANTHROPIC_FAST_MODEL = "bench-fast-anthropic";

  static final String ANTHROPIC_SLOW_MODEL = "bench-60ms-anthropic";
  static final String ANTHROPIC_FAST_ANSWER =
      """
      {"id":"msg_bench","type":"message","role":"assistant","model":"bench-fast-anthropic",\
      "content":[{"type":"text","text":"Paris is the capital of France."}],\
      "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":14,"output_tokens":7}}""";

  /**
   * One system under test.
   *
   * @param fast requests against the fast upstream, {@code slow} against the 60 ms one, {@code
   *     stream} streamed from it
   * @param peakMemoryMiB its process's peak resident memory; NaN for direct
   */
  record SystemUnderTest(
      String name, Target fast, Target slow, Target stream, DoubleSupplier peakMemoryMiB) {}

  private final Running running = new Running();
  private final List<SystemUnderTest> systems = new ArrayList<>();
  private String upstream;

  /** {@code portkeyStartScript}: null to leave the Portkey gateway out. */
  BenchSystems(Path work, String portkeyStartScript) throws IOException {
    try {
      start(work, portkeyStartScript);
    } catch (IOException | RuntimeException e) {
      // Nothing else would stop what had started.
      close();
      throw e;
    }
  }

  private void start(Path work, String portkeyStartScript) throws IOException {
    int simulatorPort = Ports.free();
    int simulatorManagement = Ports.free();
    Path simulatorConfig =
        Files.writeString(
            work.resolve("simulator.yaml"),
            """
        models:
        - name: %s
          latencyMs: 60
          tokensPerSecond: 400
          answer: Paris is the capital of France, and has been for a long time.
        - name: %s
          api: anthropic
          latencyMs: 60
          tokensPerSecond: 400
          answer: Paris is the capital of France, and has been for a long time.
        """
                .formatted(SLOW_MODEL, ANTHROPIC_SLOW_MODEL));
    running.add(
        ServerProcess.start(
                "simulator",
                List.of(
                    ServerProcess.java(),
                    JVM_MEMORY,
                    tmpdir(work),
                    "-Dbeastmode.role=simulator",
                    "-Dbeastmode.simulator.config=" + simulatorConfig,
                    "-Dquarkus.http.port=" + simulatorPort,
                    "-Dquarkus.management.port=" + simulatorManagement,
                    "-jar",
                    JAR.toString()),
                work)
            .awaitHttp("http://127.0.0.1:" + simulatorManagement + "/q/health/ready"));
    int nginxPort = Ports.free();
    Path nginxConf =
        Files.writeString(work.resolve("nginx.conf"), nginxConfig(work, nginxPort, simulatorPort));
    running.add(
        ServerProcess.start(
                "nginx",
                List.of(
                    nginx(),
                    "-e",
                    work.resolve("nginx-error.log").toString(),
                    "-c",
                    nginxConf.toString()),
                work)
            .awaitPort(nginxPort));
    upstream = "http://127.0.0.1:" + nginxPort;

    systems.add(
        new SystemUnderTest(
            "direct",
            target(upstream + "/fast/v1", FAST_MODEL, true, false),
            target(upstream + "/slow/v1", SLOW_MODEL, true, false),
            target(upstream + "/slow/v1", SLOW_MODEL, true, true),
            () -> Double.NaN));
    addMinimalProxy(work, nginxPort);
    addRouter(work);
    if (portkeyStartScript != null) {
      addPortkey(work, portkeyStartScript);
    }
  }

  List<SystemUnderTest> systems() {
    return systems;
  }

  private void addMinimalProxy(Path work, int nginxPort) {
    int port = Ports.free();
    String classpath =
        Path.of("target", "test-classes")
            + ":"
            + JAR.getParent().resolve("lib").resolve("main")
            + "/*";
    ServerProcess proxy =
        ServerProcess.start(
                "minimal-proxy",
                List.of(
                    ServerProcess.java(),
                    JVM_MEMORY,
                    tmpdir(work),
                    "-cp",
                    classpath,
                    MinimalProxy.class.getName(),
                    Integer.toString(port),
                    "127.0.0.1",
                    Integer.toString(nginxPort)),
                work)
            .awaitPort(port);
    running.add(proxy);
    String base = "http://127.0.0.1:" + port;
    systems.add(
        new SystemUnderTest(
            "minimal Vert.x proxy",
            target(base + "/fast/v1", FAST_MODEL, true, false),
            target(base + "/slow/v1", SLOW_MODEL, true, false),
            target(base + "/slow/v1", SLOW_MODEL, true, true),
            proxy::peakMemoryMiB));
  }

  /** The key the keyed router's clients present; its limits and budget never run out here. */
  static final String BENCH_KEY = "bm-bench-key";

  private final Map<String, ServerProcess> routerProcesses = new HashMap<>();
  private final Map<String, String> managementOrigins = new HashMap<>();

  private void addRouter(Path work) throws IOException {
    RedisServer redis = RedisServer.start();
    running.add(redis);
    Path config =
        Files.writeString(
            work.resolve("routing.yaml"),
            """
        router: bench/router
        region: local
        models:
        - name: %1$s
          baseUrl: %2$s/fast/v1
          inputPerMillion: 0.15
          outputPerMillion: 0.60
          quality: 0.78
          contextWindow: 128000
        - name: %3$s
          baseUrl: %2$s/slow/v1
          inputPerMillion: 2.50
          outputPerMillion: 10.00
          quality: 0.9
          contextWindow: 128000
        - name: %4$s
          baseUrl: %2$s/anthropic
          upstream: {kind: anthropic}
          inputPerMillion: 0.15
          outputPerMillion: 0.60
          quality: 0.78
          contextWindow: 128000
        - name: %5$s
          baseUrl: %2$s/slow
          upstream: {kind: anthropic}
          inputPerMillion: 2.50
          outputPerMillion: 10.00
          quality: 0.9
          contextWindow: 128000
        limits:
          maxInFlight: 10000
        """
                .formatted(
                    FAST_MODEL, upstream, SLOW_MODEL, ANTHROPIC_FAST_MODEL, ANTHROPIC_SLOW_MODEL));
    // The same router with access control on: a key with per-minute limits and a daily budget, so
    // every miss is admitted, reserved and settled in Redis.
    Path keys =
        Files.writeString(
            work.resolve("keys.yaml"),
            """
        mode: keys
        keys:
        - apiKey: bench/key
          sha256: %s
          tenant: bench
          quota:
            requestsPerMinute: 100000000
            tokensPerMinute: 1000000000
            usdPerDay: 100000000
        """
                .formatted(Digests.sha256Hex(BENCH_KEY)));
    String open = startRouter(work, "router", config, null, redis);
    String keyed = startRouter(work, "keyed-router", config, keys, redis);
    addRouterSystems("router", open, json());
    addRouterSystems("keyed router", keyed, json().add("authorization", "Bearer " + BENCH_KEY));
    addLearnedRouter(work, redis);
    addSemanticRouter(work, redis);
  }

  /**
   * The router with the semantic cache on, at the default bound (1 %), beside "router, cache miss"
   * and "router, cache hit" (the exact cache): misses and hits in partitions of {@value
   * SemanticBenchFixture#ENTRIES} entries ({@link SemanticBenchFixture}).
   */
  private void addSemanticRouter(Path work, RedisServer redis) throws IOException {
    Path config =
        Files.writeString(
            work.resolve("routing-semantic.yaml"),
            """
        router: %1$s
        region: local
        models:
        - name: %2$s
          baseUrl: %3$s/fast/v1
          inputPerMillion: 0.15
          outputPerMillion: 0.60
          quality: 0.78
          contextWindow: 128000
        - name: %4$s
          baseUrl: %3$s/slow/v1
          inputPerMillion: 2.50
          outputPerMillion: 10.00
          quality: 0.9
          contextWindow: 128000
        cache:
          mode: semantic
          semantic: {maxWrongRate: 0.01, maxEntriesPerPartition: 1000000}
        limits:
          maxInFlight: 10000
        """
                .formatted(SemanticBenchFixture.ROUTER, FAST_MODEL, upstream, SLOW_MODEL));
    String origin =
        startRouter(
            work,
            "semantic-router",
            config,
            null,
            redis,
            "-Dbeastmode.router.semantic-entries=1000000");
    String base = origin + "/v1";
    MultiMap hits = json().add("x-beastmode-tenant", SemanticBenchFixture.HIT_TENANT);
    MultiMap misses = json().add("x-beastmode-tenant", SemanticBenchFixture.MISS_TENANT);
    String management = managementOrigins.get("semantic-router");
    try {
      SemanticBenchFixture.fill(
          redis.url(),
          () -> {
            ask(new Target(base + "/chat/completions", hits, bodies(FAST_MODEL, false, false)), 0);
            ask(
                new Target(base + "/chat/completions", misses, bodies(FAST_MODEL, true, false)),
                -1);
          },
          () ->
              awaitMetric(
                  management, "beastmode_router_cache_semantic_changes_read", changes(redis)));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("the semantic router's partitions were not filled", e);
    }
    ServerProcess process = routerProcesses.get("semantic-router");
    systems.add(
        new SystemUnderTest(
            RouterBenchReport.SEMANTIC_MISS,
            target(base, FAST_MODEL, true, false, misses),
            target(base, SLOW_MODEL, true, false, misses),
            target(base, SLOW_MODEL, true, true, misses),
            process::peakMemoryMiB));
    int maxTokens = MAX_TOKENS;
    systems.add(
        new SystemUnderTest(
            RouterBenchReport.SEMANTIC_HIT,
            new Target(
                base + "/chat/completions",
                hits,
                SemanticBenchFixture.hitBodies(FAST_MODEL, maxTokens, false)),
            new Target(
                base + "/chat/completions",
                hits,
                SemanticBenchFixture.hitBodies(SLOW_MODEL, maxTokens, false)),
            new Target(
                base + "/chat/completions",
                hits,
                SemanticBenchFixture.hitBodies(SLOW_MODEL, maxTokens, true)),
            process::peakMemoryMiB));
  }

  private static long changes(RedisServer redis) {
    try {
      return SemanticBenchFixture.changes(redis.url());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends body {@code n} of a target once; fails unless it is answered 200. */
  private static void ask(Target target, long n) {
    try {
      var request = HttpRequest.newBuilder(URI.create(target.url()));
      target.headers().forEach(request::header);
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  request
                      .POST(
                          HttpRequest.BodyPublishers.ofByteArray(
                              target.bodies().apply(n).getBytes()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("a first question was not answered: " + answer.body());
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until a router's gauge reaches {@code least}. */
  private static void awaitMetric(String management, String gauge, long least) {
    long deadline = System.nanoTime() + java.time.Duration.ofMinutes(5).toNanos();
    while (PrometheusScrape.sum(management, gauge) < least) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(gauge + " did not reach " + least);
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The router under the learned policy, cache off, beside "router, cache off" (the cost policy):
   * two models on the same fast upstream, so the difference is the selection alone (encoding the
   * prompt, the neighbour vote over the training subjects of {@code make eval-selection}, the
   * heads). Its examples are uploaded before it is measured.
   */
  private void addLearnedRouter(Path work, RedisServer redis) throws IOException {
    Path config =
        Files.writeString(
            work.resolve("routing-learned.yaml"),
            """
        router: bench/learned
        region: local
        models:
        - name: weak
          upstreamModel: %1$s
          baseUrl: %2$s/fast/v1
          inputPerMillion: 0.15
          outputPerMillion: 0.60
          quality: 0.7
          contextWindow: 128000
        - name: strong
          upstreamModel: %1$s
          baseUrl: %2$s/fast/v1
          inputPerMillion: 2.50
          outputPerMillion: 10.00
          quality: 0.83
          contextWindow: 128000
        selection:
          policy: learned
          learnedThreshold: 0.7
        limits:
          maxInFlight: 10000
        """
                .formatted(FAST_MODEL, upstream));
    String origin = startRouter(work, "learned-router", config, null, redis);
    int examples = uploadExamples(managementOrigins.get("learned-router"));
    awaitMetric(
        managementOrigins.get("learned-router"), "beastmode_router_learned_examples", examples);
    String base = origin + "/v1";
    ServerProcess process = routerProcesses.get("learned-router");
    systems.add(
        new SystemUnderTest(
            RouterBenchReport.LEARNED,
            noStore(target(base, "auto", true, false)),
            noStore(target(base, "auto", true, false)),
            noStore(target(base, "auto", true, true)),
            process::peakMemoryMiB));
  }

  /** The MMLU training subjects, their two model columns renamed to the learned router's models. */
  private static int uploadExamples(String management) throws IOException {
    StringBuilder csv = new StringBuilder("prompt,weak,strong\n");
    int rows = 0;
    try (var files = Files.list(Path.of("bench", "data", "mmlu-train"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
        String text = Files.readString(file);
        csv.append(text, text.indexOf('\n') + 1, text.length());
        if (!text.endsWith("\n")) {
          csv.append('\n');
        }
      }
    }
    try {
      HttpResponse<String> loaded =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(management + "/selection/examples"))
                      .header("content-type", "text/csv")
                      .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (loaded.statusCode() != 200) {
        throw new IOException("examples not loaded: " + loaded.body());
      }
      rows = Integer.parseInt(loaded.body().replaceAll(".*\"added\":(\\d+).*", "$1"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return rows;
  }

  /** Starts a router process; returns its base URL. */
  private String startRouter(
      Path work, String name, Path config, Path keys, RedisServer redis, String... flags) {
    int port = Ports.free();
    int management = Ports.free();
    List<String> command = new ArrayList<>(List.of(ServerProcess.java(), JVM_MEMORY, tmpdir(work)));
    String extraFlags = System.getProperty("bench.routerJvmArgs", "").trim();
    if (!extraFlags.isEmpty()) {
      command.addAll(List.of(extraFlags.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-Dbeastmode.role=router",
            "-Dbeastmode.router.config=" + config,
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.management.port=" + management,
            "-Dquarkus.redis.hosts=" + redis.url()));
    command.addAll(List.of(flags));
    if (keys != null) {
      command.add("-Dbeastmode.router.keys=" + keys);
    }
    command.addAll(List.of("-jar", JAR.toString()));
    ServerProcess router =
        ServerProcess.start(name, command, work)
            .awaitHttp("http://127.0.0.1:" + management + "/q/health/ready");
    running.add(router);
    routerProcesses.put(name, router);
    managementOrigins.put(name, "http://127.0.0.1:" + management);
    return "http://127.0.0.1:" + port;
  }

  private void addRouterSystems(String name, String origin, MultiMap headers) {
    ServerProcess process = routerProcesses.get(name.equals("router") ? "router" : "keyed-router");
    String base = origin + "/v1";
    systems.add(
        new SystemUnderTest(
            name + ", cache miss",
            target(base, FAST_MODEL, true, false, headers),
            target(base, SLOW_MODEL, true, false, headers),
            target(base, SLOW_MODEL, true, true, headers),
            process::peakMemoryMiB));
    systems.add(
        new SystemUnderTest(
            name + ", cache hit",
            target(base, FAST_MODEL, false, false, headers),
            target(base, SLOW_MODEL, false, false, headers),
            target(base, SLOW_MODEL, false, true, headers),
            process::peakMemoryMiB));
    if (name.equals("router")) {
      // What a client that opts out of the cache (cache-control: no-store) costs: no Redis round
      // trips at all.
      systems.add(
          new SystemUnderTest(
              "router, cache off",
              noStore(target(base, FAST_MODEL, true, false, headers)),
              noStore(target(base, SLOW_MODEL, true, false, headers)),
              noStore(target(base, SLOW_MODEL, true, true, headers)),
              process::peakMemoryMiB));
      // The same questions as Messages requests, cache off like the row above: translated to the
      // OpenAI-compatible upstreams, and passed through to the same upstreams in Anthropic's API.
      systems.add(
          new SystemUnderTest(
              RouterBenchReport.MESSAGES_TRANSLATED,
              noStore(messages(base, FAST_MODEL, false)),
              noStore(messages(base, SLOW_MODEL, false)),
              noStore(messages(base, SLOW_MODEL, true)),
              process::peakMemoryMiB));
      systems.add(
          new SystemUnderTest(
              RouterBenchReport.MESSAGES_PASSED,
              noStore(messages(base, ANTHROPIC_FAST_MODEL, false)),
              noStore(messages(base, ANTHROPIC_SLOW_MODEL, false)),
              noStore(messages(base, ANTHROPIC_SLOW_MODEL, true)),
              process::peakMemoryMiB));
    }
  }

  /**
   * The keyed router's settled cost over the cost it reserved at admission, from its own metrics:
   * median and 95th percentile of the last two minutes (the summary's window, so read this right
   * after the keyed router was measured) and the mean over the whole run.
   */
  Map<String, Double> quotaEstimate() throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(managementOrigins.get("keyed-router") + "/q/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    var estimate = new LinkedHashMap<String, Double>();
    double sum = Double.NaN;
    double count = Double.NaN;
    for (String line : response.body().split("\n")) {
      double value =
          line.startsWith("beastmode_router_quota_estimate_ratio")
              ? Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))
              : Double.NaN;
      if (line.startsWith("beastmode_router_quota_estimate_ratio{")) {
        String quantile =
            line.contains("quantile=\"0.5\"")
                ? "settled_over_reserved_p50"
                : line.contains("quantile=\"0.95\"") ? "settled_over_reserved_p95" : null;
        if (quantile != null) {
          estimate.put(quantile, value);
        }
      } else if (line.startsWith("beastmode_router_quota_estimate_ratio_sum{")) {
        sum = value;
      } else if (line.startsWith("beastmode_router_quota_estimate_ratio_count{")) {
        count = value;
      }
    }
    estimate.put("settled_over_reserved_mean", count > 0 ? sum / count : Double.NaN);
    estimate.put("settled_requests", count);
    return estimate;
  }

  private void addPortkey(Path work, String startScript) {
    int port = Ports.free();
    ServerProcess portkey =
        ServerProcess.start("portkey", List.of("node", startScript, "--port=" + port), work)
            .awaitPort(port);
    running.add(portkey);
    String base = "http://127.0.0.1:" + port + "/v1";
    systems.add(
        new SystemUnderTest(
            "Portkey gateway",
            portkey(base, "/fast", FAST_MODEL, false),
            portkey(base, "/slow", SLOW_MODEL, false),
            portkey(base, "/slow", SLOW_MODEL, true),
            portkey::peakMemoryMiB));
  }

  /** Portkey is told the provider and the upstream in headers of every request. */
  private Target portkey(String base, String prefix, String model, boolean stream) {
    MultiMap headers =
        json()
            .add("x-portkey-provider", "openai")
            .add("x-portkey-custom-host", upstream + prefix + "/v1")
            .add("authorization", "Bearer bench");
    return new Target(base + "/chat/completions", headers, bodies(model, true, stream));
  }

  private static Target target(String base, String model, boolean unique, boolean stream) {
    return target(base, model, unique, stream, json());
  }

  private static Target target(
      String base, String model, boolean unique, boolean stream, MultiMap headers) {
    return new Target(base + "/chat/completions", headers, bodies(model, unique, stream));
  }

  /** Anthropic Messages requests, every question new, as Anthropic's SDKs send them. */
  private static Target messages(String base, String model, boolean stream) {
    return new Target(
        base + "/messages",
        json().add("anthropic-version", "2023-06-01"),
        messagesBodies(model, stream));
  }

  private static Target noStore(Target target) {
    return new Target(
        target.url(),
        MultiMap.caseInsensitiveMultiMap()
            .addAll(target.headers())
            .add("cache-control", "no-store"),
        target.bodies());
  }

  private static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
  }

  /**
   * The answer limit every body sets, as clients of a metered API do: the keyed router reserves it
   * at admission, so its settled-over-reserved figure compares the answers with a realistic limit
   * rather than a model's whole 4,096-token allowance. Every system gets it, so the bodies stay the
   * same for all.
   */
  static final int MAX_TOKENS = 256;

  /** Unique questions miss the router's cache; the same question, asked before, hits it. */
  static LongFunction<Buffer> bodies(String model, boolean unique, boolean stream) {
    return n ->
        Buffer.buffer(
            "{\"model\":\""
                + model
                + "\",\"temperature\":0,\"max_tokens\":"
                + MAX_TOKENS
                + ",\"stream\":"
                + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question "
                + (unique ? n : 0)
                + ": what is the capital of France?\"}]}");
  }

  /** The chat bodies' question as an Anthropic Messages body, with the same limit. */
  static LongFunction<Buffer> messagesBodies(String model, boolean stream) {
    return n ->
        Buffer.buffer(
            "{\"model\":\""
                + model
                + "\",\"max_tokens\":"
                + MAX_TOKENS
                + ",\"temperature\":0,\"stream\":"
                + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question "
                + n
                + ": what is the capital of France?\"}]}");
  }

  private static String nginxConfig(Path work, int port, int simulatorPort) {
    return """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        events { worker_connections 8192; }
        http {
          access_log off;
          client_body_temp_path %1$s/client-body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          keepalive_requests 10000000;
          upstream simulator { server 127.0.0.1:%3$d; keepalive 1024; }
          server {
            listen 127.0.0.1:%2$d;
            location /fast/ { default_type application/json; return 200 '%4$s'; }
            location = /anthropic/v1/messages {
              default_type application/json;
              return 200 '%5$s';
            }
            location /slow/ {
              proxy_pass http://simulator/;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
            }
          }
        }
        """
        .formatted(work, port, simulatorPort, FAST_ANSWER, ANTHROPIC_FAST_ANSWER);
  }

  private static String nginx() {
    return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
  }

  @Override
  public void close() {
    running.close();
  }
}
