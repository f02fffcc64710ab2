package io.beastmode.bench.router;

import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.bench.BenchResults;
import io.beastmode.bench.router.LoadGenerator.Result;
import io.beastmode.bench.router.LoadGenerator.Target;
import io.beastmode.operator.desired.RouterJvmOptions;
import io.beastmode.testing.Ports;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.ServerProcess;
import io.fabric8.kubernetes.api.model.Quantity;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * {@code make bench-router-memory}: one router process started as a router pod runs (the pod's
 * JAVA_TOOL_OPTIONS and MALLOC_ARENA_MAX, {@code -XX:MaxRAM} of its default memory limit, which is
 * what the limit tells the JVM in a container) under sustained load: 300 requests in flight against
 * a slow upstream (the simulator, 1.5 s per answer), bodies of 0.2 to 20 KB, a third streamed, plus
 * cache hits at a fixed rate, for three minutes. Records the process's peak resident memory (VmHWM)
 * against the limit: a pod whose process outgrows its limit is OOM-killed. As root on cgroup v1 the
 * router runs in a memory cgroup with that limit, so the kernel enforces it as in a pod.
 *
 * <p>Settings ({@code -D}): bench.seconds (180), bench.inFlight (300), bench.hitRate (200/s),
 * bench.memoryLimit (the LLMRouter default), bench.javaOptions (the router pod's),
 * bench.mallocArenaMax (the pod's; empty: glibc's default), bench.out (bench/results/router-memory:
 * .json and .md).
 */
public final class RouterMemoryBench {
  public static final String MODEL = "slow";

  private RouterMemoryBench() {}

  public static void main(String[] args) throws Exception {
    Duration length = Duration.ofSeconds(Long.getLong("bench.seconds", 180));
    int inFlight = Integer.getInteger("bench.inFlight", 300);
    int hitRate = Integer.getInteger("bench.hitRate", 200);
    String limit = System.getProperty("bench.memoryLimit", new RouterPodSpec().memory);
    String javaOptions = System.getProperty("bench.javaOptions", RouterJvmOptions.DEFAULT);
    String arenas = System.getProperty("bench.mallocArenaMax", RouterJvmOptions.MALLOC_ARENA_MAX);
    Path out = Path.of(System.getProperty("bench.out", "bench/results/router-memory"));
    long limitBytes = Quantity.getAmountInBytes(new Quantity(limit)).longValue();

    Path work = Files.createDirectories(Path.of("target", "bench-router-memory"));
    // Closed after the router: its cgroup can go once the process has.
    try (MemoryCgroup cgroup = MemoryCgroup.create(limitBytes);
        RedisServer redis = RedisServer.start();
        ServerProcess simulator = startSimulator(work);
        ServerProcess router = startRouter(work, redis, cgroup, javaOptions, arenas, limitBytes)) {
      String base = "http://127.0.0.1:" + routerPort + "/v1/chat/completions";
      MultiMap json = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
      Target answered = new Target(base, json, bodies(false, true));
      Target streamed = new Target(base, json, bodies(true, true));
      Target hits = new Target(base, json, bodies(false, false));

      var samples = new ArrayList<Map<String, Object>>();
      long start = System.nanoTime();
      var sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> {
            synchronized (samples) {
              samples.add(
                  Map.of(
                      "s",
                      (System.nanoTime() - start) / 1_000_000_000L,
                      "rss_mib",
                      round(router.memoryMiB())));
            }
          },
          0,
          5,
          TimeUnit.SECONDS);

      System.out.printf(
          "router at -XX:MaxRAM=%s (%s) with JAVA_TOOL_OPTIONS=\"%s\" MALLOC_ARENA_MAX=%s: %d in"
              + " flight (a third streamed) and %d cache hits/s for %d s%n",
          limitBytes, limit, javaOptions, arenas, inFlight, hitRate, length.toSeconds());
      Map<String, Result> results = new LinkedHashMap<>();
      try (LoadGenerator misses = new LoadGenerator(inFlight + 20);
          LoadGenerator hitLoad = new LoadGenerator(64)) {
        var streams =
            CompletableFuture.supplyAsync(() -> misses.closedLoop(streamed, inFlight / 3, length));
        var hitsDone = CompletableFuture.supplyAsync(() -> hitLoad.openLoop(hits, hitRate, length));
        results.put("answered", misses.closedLoop(answered, inFlight - inFlight / 3, length));
        results.put("streamed", streams.join());
        results.put("cache hits", hitsDone.join());
      }
      sampler.shutdownNow();

      double peak = router.peakMemoryMiB();
      boolean survived = router.alive();
      var enforced = new LinkedHashMap<String, Object>();
      if (cgroup != null) {
        enforced.put("cgroup", cgroup.path());
        enforced.put("peak_charged_mib", round(cgroup.peakBytes() / 1024.0 / 1024.0));
        enforced.put("oom_kills", cgroup.oomKills());
      }
      var report = new LinkedHashMap<String, Object>();
      report.put("memory_limit", limit);
      report.put("max_ram_bytes", limitBytes);
      report.put("java_tool_options", javaOptions);
      report.put("malloc_arena_max", arenas);
      report.put("seconds", length.toSeconds());
      report.put("in_flight", inFlight);
      report.put("cache_hits_per_second", hitRate);
      report.put("peak_rss_mib", round(peak));
      report.put("peak_rss_of_limit", round(peak * 1024 * 1024 / limitBytes));
      report.put("survived", survived);
      // The kernel's own accounting where the limit was enforced (memory cgroup v1, as root).
      report.put("limit_enforced", enforced.isEmpty() ? "no (needs root and cgroup v1)" : enforced);
      var load = new LinkedHashMap<String, Object>();
      results.forEach(
          (name, r) ->
              load.put(
                  name,
                  Map.of(
                      "requests", r.requests(),
                      "errors", r.errors(),
                      "throughput", round(r.throughput()),
                      "p50_ms", round(r.percentileMs(50)),
                      "p99_ms", round(r.percentileMs(99)))));
      report.put("load", load);
      report.put("jvm_at_end_mib", survived ? jvmMemory(managementPort) : Map.of());
      synchronized (samples) {
        report.put("rss_every_5s", samples);
      }
      write(out, report);
      System.out.printf(
          "peak RSS %.0f MiB of a %s limit (%.0f%%); %s%n",
          peak, limit, 100 * peak * 1024 * 1024 / limitBytes, survived ? "survived" : "DIED");
    }
    System.exit(0);
  }

  private static int routerPort;
  private static int managementPort;
  private static int simulatorPort;

  private static ServerProcess startSimulator(Path work) throws IOException {
    simulatorPort = Ports.free();
    int management = Ports.free();
    // Echo answers: as long as the question, so answers are up to 20 KB too.
    Path config =
        Files.writeString(
            work.resolve("simulator.yaml"),
            """
            models:
            - name: %s
              latencyMs: 1500
              latencyP99Ms: 3000
              tokensPerSecond: 4000
            """
                .formatted(MODEL));
    return ServerProcess.start(
            "simulator",
            List.of(
                ServerProcess.java(),
                "-XX:MaxRAM=1g",
                "-Djava.io.tmpdir=" + work.toAbsolutePath(),
                "-Dbeastmode.role=simulator",
                "-Dbeastmode.simulator.config=" + config,
                "-Dquarkus.http.port=" + simulatorPort,
                "-Dquarkus.management.port=" + management,
                "-jar",
                BenchSystems.JAR.toString()),
            work)
        .awaitHttp("http://127.0.0.1:" + management + "/q/health/ready");
  }

  /** As the router Deployment starts it: the image's entrypoint, the pod's environment. */
  private static ServerProcess startRouter(
      Path work,
      RedisServer redis,
      MemoryCgroup cgroup,
      String javaOptions,
      String arenas,
      long limitBytes)
      throws IOException {
    routerPort = Ports.free();
    managementPort = Ports.free();
    Path config =
        Files.writeString(
            work.resolve("routing.yaml"),
            """
            router: bench/memory
            region: local
            models:
            - name: %s
              baseUrl: http://127.0.0.1:%d/v1
              inputPerMillion: 2.50
              outputPerMillion: 10.00
              quality: 0.9
              contextWindow: 128000
            """
                .formatted(MODEL, simulatorPort));
    var env = new LinkedHashMap<String, String>();
    env.put("JAVA_TOOL_OPTIONS", javaOptions);
    if (!arenas.isBlank()) {
      env.put("MALLOC_ARENA_MAX", arenas);
    }
    env.put("BEASTMODE_ROLE", "router");
    env.put("BEASTMODE_ROUTER_CONFIG", config.toString());
    env.put("QUARKUS_REDIS_HOSTS", redis.url());
    env.put("QUARKUS_HTTP_PORT", Integer.toString(routerPort));
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    List<String> command =
        List.of(
            ServerProcess.java(),
            "-XX:MaxRAM=" + limitBytes,
            "-Djava.io.tmpdir=" + work.toAbsolutePath(),
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
            "-jar",
            BenchSystems.JAR.toString());
    return ServerProcess.start("router", cgroup == null ? command : cgroup.wrap(command), env, work)
        .awaitHttp("http://127.0.0.1:" + managementPort + "/q/health/ready");
  }

  /**
   * The n-th body: 0.2 to 20 KB of question. {@code unique}: each question new (a miss), else one
   * of 64 asked again and again (hits once answered).
   */
  public static LongFunction<Buffer> bodies(boolean stream, boolean unique) {
    return n -> {
      long key = unique ? n : n % 64;
      int size = 200 + (int) Math.floorMod(key * 2654435761L, 20_000L);
      StringBuilder question = new StringBuilder(size + 32).append("Question ").append(key);
      while (question.length() < size) {
        question.append(" what is the capital of France");
      }
      return Buffer.buffer(
          "{\"model\":\""
              + MODEL
              + "\",\"temperature\":0,\"max_tokens\":256,\"stream\":"
              + stream
              + ",\"messages\":[{\"role\":\"user\",\"content\":\""
              + question
              + "\"}]}");
    };
  }

  /** Heap, non-heap and direct buffers in use at the end, from the router's own metrics. */
  private static Map<String, Object> jvmMemory(int management) {
    var figures = new LinkedHashMap<String, Object>();
    try {
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + management + "/q/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      figures.put("heap_used", sum(metrics, "jvm_memory_used_bytes{area=\"heap\""));
      figures.put("heap_max", sum(metrics, "jvm_memory_max_bytes{area=\"heap\""));
      figures.put("nonheap_used", sum(metrics, "jvm_memory_used_bytes{area=\"nonheap\""));
      figures.put("direct_buffers", sum(metrics, "jvm_buffer_memory_used_bytes{id=\"direct\""));
      figures.replaceAll((k, v) -> v instanceof Double d ? round(d / 1024 / 1024) : v);
      figures.put("threads", sum(metrics, "jvm_threads_live_threads"));
      figures.put("gc_pauses", sum(metrics, "jvm_gc_pause_seconds_count"));
      figures.put("gc_pause_seconds_total", round(sum(metrics, "jvm_gc_pause_seconds_sum")));
    } catch (IOException e) {
      figures.put("error", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return figures;
  }

  private static double sum(String metrics, String prefix) {
    return metrics
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToDouble(
            line -> Math.max(0, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))))
        .sum();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static void write(Path out, Map<String, Object> report) throws IOException {
    var md = new StringBuilder();
    md.append("# Router memory under sustained load (make bench-router-memory)\n\n")
        .append("One router process started as a router pod runs: `JAVA_TOOL_OPTIONS=")
        .append(report.get("java_tool_options"))
        .append("`, `MALLOC_ARENA_MAX=")
        .append(report.get("malloc_arena_max"))
        .append("`, `-XX:MaxRAM=")
        .append(report.get("max_ram_bytes"))
        .append("` (the default limit, ")
        .append(report.get("memory_limit"))
        .append(", as the JVM sees it in a container). Load: ")
        .append(report.get("in_flight"))
        .append(" requests in flight against an upstream answering in 1.5 s (bodies 0.2-20 KB,")
        .append(" a third streamed) plus ")
        .append(report.get("cache_hits_per_second"))
        .append(" cache hits/s, for ")
        .append(report.get("seconds"))
        .append(" s.\n\n")
        .append(
            BenchResults.table(
                List.of(
                    "peak RSS (VmHWM)", "of the limit", "survived", "limit enforced by the kernel"),
                List.of(
                    List.of(
                        report.get("peak_rss_mib") + " MiB",
                        Math.round((double) report.get("peak_rss_of_limit") * 100) + "%",
                        report.get("survived"),
                        report.get("limit_enforced")))))
        .append("\n")
        .append(
            BenchResults.table(
                List.of("load", "requests", "errors", "req/s", "p50 ms", "p99 ms"),
                loadRows(report, "requests", "errors", "throughput", "p50_ms", "p99_ms")));
    md.append("\nJVM at the end (memory in MiB, from the router's metrics): ")
        .append(report.get("jvm_at_end_mib"))
        .append("\n");
    BenchResults.write(out, report, md);
  }

  /** One row per load of the report's {@code load} map: its name, then {@code figures}. */
  public static List<List<?>> loadRows(Map<String, Object> report, String... figures) {
    var rows = new ArrayList<List<?>>();
    ((Map<?, ?>) report.get("load"))
        .forEach(
            (name, values) -> {
              var row = new ArrayList<Object>(List.of(name));
              for (String figure : figures) {
                row.add(((Map<?, ?>) values).get(figure));
              }
              rows.add(row);
            });
    return rows;
  }
}
