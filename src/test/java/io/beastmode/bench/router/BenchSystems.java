package io.beastmode.bench.router;

import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.testing.Ports;
import io.beastmode.testing.RedisServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongFunction;

/**
 * The upstreams and the systems under test, each a process of its own on loopback. nginx is the
 * upstream: {@code /fast/} answers a fixed chat completion at once, {@code /slow/} passes to the
 * simulator, which answers after 60 ms (streamed answers too). Every system gets the same bodies.
 */
final class BenchSystems implements AutoCloseable {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

  /** Both Java systems run as in a pod with a 1 GiB memory limit. */
  static final String JVM_MEMORY = "-XX:MaxRAM=1g";

  static final String FAST_MODEL = "bench-fast";
  static final String SLOW_MODEL = "bench-60ms";
  static final String FAST_ANSWER =
      """
      {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-fast",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Paris is the capital of France."},"finish_reason":"stop"}],\
      "usage":{"prompt_tokens":14,"completion_tokens":7,"total_tokens":21}}""";

  /**
   * One system under test.
   *
   * @param fast requests against the fast upstream, {@code slow} against the 60 ms one, {@code
   *     stream} streamed from it
   * @param peakMemoryMiB its process's peak resident memory; NaN for direct
   */
  record SystemUnderTest(
      String name, Target fast, Target slow, Target stream, DoubleSupplier peakMemoryMiB) {}

  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<SystemUnderTest> systems = new ArrayList<>();
  private final String upstream;

  BenchSystems(Path work, String portkeyStartScript) throws IOException {
    int simulatorPort = Ports.free();
    Path simulatorConfig =
        Files.writeString(
            work.resolve("simulator.yaml"),
            """
        models:
        - name: %s
          latencyMs: 60
          tokensPerSecond: 400
          answer: Paris is the capital of France, and has been for a long time.
        """
                .formatted(SLOW_MODEL));
    running.add(
        BenchProcess.start(
                "simulator",
                List.of(
                    BenchProcess.java(),
                    JVM_MEMORY,
                    "-Dbeastmode.role=simulator",
                    "-Dbeastmode.simulator.config=" + simulatorConfig,
                    "-Dquarkus.http.port=" + simulatorPort,
                    "-jar",
                    JAR.toString()),
                work)
            .awaitHttp("http://127.0.0.1:" + simulatorPort + "/q/health/ready"));
    int nginxPort = Ports.free();
    Path nginxConf =
        Files.writeString(work.resolve("nginx.conf"), nginxConfig(work, nginxPort, simulatorPort));
    running.add(
        BenchProcess.start(
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
    addPortkey(work, portkeyStartScript);
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
    BenchProcess proxy =
        BenchProcess.start(
                "minimal-proxy",
                List.of(
                    BenchProcess.java(),
                    JVM_MEMORY,
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
        - name: %s
          baseUrl: %s/fast/v1
          inputPerMillion: 0.15
          outputPerMillion: 0.60
          quality: 0.78
          contextWindow: 128000
        - name: %s
          baseUrl: %s/slow/v1
          inputPerMillion: 2.50
          outputPerMillion: 10.00
          quality: 0.9
          contextWindow: 128000
        limits:
          maxInFlight: 10000
        """
                .formatted(FAST_MODEL, upstream, SLOW_MODEL, upstream));
    int port = Ports.free();
    List<String> command = new ArrayList<>(List.of(BenchProcess.java(), JVM_MEMORY));
    String extraFlags = System.getProperty("bench.routerJvmArgs", "").trim();
    if (!extraFlags.isEmpty()) {
      command.addAll(List.of(extraFlags.split("\\s+")));
    }
    command.addAll(
        List.of(
            "-Dbeastmode.role=router",
            "-Dbeastmode.router.config=" + config,
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.redis.hosts=" + redis.url(),
            "-jar",
            JAR.toString()));
    BenchProcess router =
        BenchProcess.start("router", command, work)
            .awaitHttp("http://127.0.0.1:" + port + "/q/health/ready");
    running.add(router);
    String base = "http://127.0.0.1:" + port + "/v1";
    systems.add(
        new SystemUnderTest(
            "router, cache miss",
            target(base, FAST_MODEL, true, false),
            target(base, SLOW_MODEL, true, false),
            target(base, SLOW_MODEL, true, true),
            router::peakMemoryMiB));
    systems.add(
        new SystemUnderTest(
            "router, cache hit",
            target(base, FAST_MODEL, false, false),
            target(base, SLOW_MODEL, false, false),
            target(base, SLOW_MODEL, false, true),
            router::peakMemoryMiB));
    // What a client that opts out of the cache (cache-control: no-store) costs: no Redis round
    // trips at all.
    systems.add(
        new SystemUnderTest(
            "router, cache off",
            noStore(target(base, FAST_MODEL, true, false)),
            noStore(target(base, SLOW_MODEL, true, false)),
            noStore(target(base, SLOW_MODEL, true, true)),
            router::peakMemoryMiB));
  }

  private void addPortkey(Path work, String startScript) {
    int port = Ports.free();
    BenchProcess portkey =
        BenchProcess.start("portkey", List.of("node", startScript, "--port=" + port), work)
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
    return new Target(base + "/chat/completions", json(), bodies(model, unique, stream));
  }

  private static Target noStore(Target target) {
    return new Target(target.url(), json().add("cache-control", "no-store"), target.bodies());
  }

  private static MultiMap json() {
    return MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
  }

  /** Unique questions miss the router's cache; the same question, asked before, hits it. */
  static LongFunction<Buffer> bodies(String model, boolean unique, boolean stream) {
    return n ->
        Buffer.buffer(
            "{\"model\":\""
                + model
                + "\",\"temperature\":0,\"stream\":"
                + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Question "
                + (unique ? n : 0)
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
            location /slow/ {
              proxy_pass http://simulator/;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_buffering off;
            }
          }
        }
        """
        .formatted(work, port, simulatorPort, FAST_ANSWER);
  }

  private static String nginx() {
    return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        // stopping the rest matters more
      }
    }
  }
}
