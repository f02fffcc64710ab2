package io.beastmode.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.Ports;
import io.beastmode.testing.RedisServer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A short closed-loop load run through the packaged router (a real process, role router) against an
 * in-process simulator with zero latency and a real redis-server, beside the same load sent straight
 * to the simulator as the baseline. Prints and writes {@code bench/results/load.json} and
 * {@code load.md}. A smoke-level measurement; the side-by-side gateway benchmark is separate.
 */
public final class RouterLoad {
  static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
  static final Path RESULTS = Path.of("bench", "results");
  static final int CONCURRENCY = Integer.getInteger("load.concurrency", 16);
  static final int REQUESTS = Integer.getInteger("load.requests", 20000);
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Figures of one phase. */
  record Phase(String name, int requests, long errors, double seconds, double throughput, double p50Ms, double p99Ms) {}

  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("beastmode-load");
    Vertx vertx = Vertx.vertx();
    try (RedisServer redis = RedisServer.start();
        SimulatorServer simulator = SimulatorServer.start(vertx, 0, new SimulatorConfig(
            List.of(new SimulatedModel("gpt-4o-mini", "The answer is forty-two.", 0, 0, 0, 0, 500, Outage.none)), Outage.none))) {
      Path config = work.resolve("routing.yaml");
      Files.writeString(config, """
          router: bench/router
          region: local
          models:
          - name: gpt-4o-mini
            baseUrl: %s
            inputPerMillion: 0.15
            outputPerMillion: 0.60
            quality: 0.78
            contextWindow: 128000
          limits:
            maxInFlight: 10000
          """.formatted(simulator.baseUrl()));
      int port = Ports.free();
      Process router = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Dbeastmode.role=router", "-Dbeastmode.router.config=" + config, "-Dquarkus.http.port=" + port,
              "-Dquarkus.redis.hosts=" + redis.url(), "-jar", JAR.toString()))
          .redirectErrorStream(true).redirectOutput(work.resolve("router.log").toFile()).start();
      try {
        String routerUrl = "http://127.0.0.1:" + port;
        awaitReady(routerUrl + "/q/health/ready");
        String direct = simulator.baseUrl() + "/chat/completions";
        String routed = routerUrl + "/v1/chat/completions";
        AtomicLong sequence = new AtomicLong();
        // The router resolves the alias; the simulator is asked for the model by name.
        IntFunction<String> uniqueDirect = i -> body("gpt-4o-mini", "question " + sequence.incrementAndGet());
        IntFunction<String> unique = i -> body("auto", "question " + sequence.incrementAndGet());
        IntFunction<String> same = i -> body("auto", "the same question");

        run("warm-up", routed, REQUESTS / 4, unique);
        run("warm-up", direct, REQUESTS / 4, uniqueDirect);
        List<Phase> phases = List.of(
            run("direct to the simulator", direct, REQUESTS, uniqueDirect),
            run("router, cache miss", routed, REQUESTS, unique),
            run("router, cache hit", routed, REQUESTS, same));
        write(phases);
      } finally {
        router.destroy();
      }
    } finally {
      vertx.close();
    }
  }

  static String body(String model, String question) {
    return "{\"model\":\"" + model + "\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
  }

  static Phase run(String name, String url, int requests, IntFunction<String> bodies) throws Exception {
    long[] latencies = new long[requests];
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    ExecutorService clients = Executors.newFixedThreadPool(CONCURRENCY);
    long start = System.nanoTime();
    List<Future<?>> done = new ArrayList<>();
    for (int c = 0; c < CONCURRENCY; c++) {
      done.add(clients.submit(() -> {
        int i;
        while ((i = (int) next.getAndIncrement()) < requests) {
          HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(bodies.apply(i))).build();
          long sent = System.nanoTime();
          try {
            if (HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode() != 200) {
              errors.incrementAndGet();
            }
          } catch (IOException | InterruptedException e) {
            errors.incrementAndGet();
          }
          latencies[i] = System.nanoTime() - sent;
        }
        return null;
      }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    clients.shutdown();
    Arrays.sort(latencies);
    Phase phase = new Phase(name, requests, errors.get(), seconds, requests / seconds,
        latencies[requests / 2] / 1e6, latencies[(int) (requests * 0.99)] / 1e6);
    System.out.printf(Locale.ROOT, "%-26s %6d requests %4d errors %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms%n",
        name, requests, phase.errors(), phase.throughput(), phase.p50Ms(), phase.p99Ms());
    return phase;
  }

  static void write(List<Phase> phases) throws IOException {
    Phase direct = phases.get(0);
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("miss_throughput_vs_direct", phases.get(1).throughput() / direct.throughput());
    ratios.put("hit_throughput_vs_direct", phases.get(2).throughput() / direct.throughput());
    ratios.put("miss_p50_vs_direct", phases.get(1).p50Ms() / direct.p50Ms());
    ratios.put("hit_p50_vs_direct", phases.get(2).p50Ms() / direct.p50Ms());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("concurrency", CONCURRENCY);
    result.put("phases", phases);
    result.put("ratios", ratios);
    Files.createDirectories(RESULTS);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(RESULTS.resolve("load.json").toFile(), result);
    StringBuilder md = new StringBuilder("# Router load run\n\nClosed loop, concurrency " + CONCURRENCY
        + ", one 2-core machine; the simulator answers at once. Ratios are against the direct run of the same invocation.\n\n"
        + "| phase | requests | errors | req/s | p50 ms | p99 ms |\n|---|---|---|---|---|---|\n");
    for (Phase p : phases) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %.2f | %.2f |%n", p.name(), p.requests(), p.errors(), p.throughput(), p.p50Ms(), p.p99Ms()));
    }
    md.append("\n");
    ratios.forEach((k, v) -> md.append(String.format(Locale.ROOT, "- %s: %.2f%n", k, (Double) v)));
    Files.writeString(RESULTS.resolve("load.md"), md);
    System.out.println(md);
  }

  static void awaitReady(String url) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the router did not become ready; see its log");
  }
}
