package io.beastmode.router;

import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfig;
import io.beastmode.wire.TrafficConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Everything a router needs, for real: a redis-server process, two simulated providers (an "openai"
 * with gpt-4o and gpt-4o-mini, an "open-weights" with two llamas) and a simulated peer region, and
 * the routing and traffic files pointing at them. Tests rewrite the files to reconfigure the
 * router.
 */
public class RouterTestResource implements QuarkusTestResourceLifecycleManager {
  static RedisServer redis;
  static SimulatorServer openai;
  static SimulatorServer openWeights;
  static SimulatorServer peer;
  static Path routingFile;
  static Path trafficFile;
  private static Vertx vertx;
  private static Path dir;

  static final String PEER_ANSWER = "answered by the peer region";

  @Override
  public Map<String, String> start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    openai = SimulatorServer.start(vertx, 0, openaiModels());
    openWeights = SimulatorServer.start(vertx, 0, openWeightsModels());
    peer =
        SimulatorServer.start(
            vertx,
            0,
            new SimulatorConfig(
                List.of(new SimulatedModel("auto", PEER_ANSWER, 0, 0, 0, 0, 500, Outage.none)),
                Outage.none));
    try {
      dir = Files.createTempDirectory("beastmode-router");
      routingFile = dir.resolve("routing.yaml");
      trafficFile = dir.resolve("traffic.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(baseline());
    writeTraffic(
        new TrafficConfig(
            List.of(new TrafficConfig.Peer("us-east", "http://127.0.0.1:" + peer.port(), 50))));
    return Map.of(
        "beastmode.role", "router",
        "beastmode.router.config", routingFile.toString(),
        "beastmode.router.traffic", trafficFile.toString(),
        "beastmode.router.reload-interval", "100ms",
        "beastmode.router.pod", "router-test-0",
        // A busy test machine may take Redis past the production 100 ms: only real failures skip
        // the cache here.
        "beastmode.router.cache-timeout", "2s",
        "quarkus.redis.hosts", redis.url());
  }

  @Override
  public void stop() {
    openai.close();
    openWeights.close();
    peer.close();
    vertx.close();
    redis.close();
    TempFiles.delete(dir);
  }

  static SimulatorConfig openaiModels() {
    return new SimulatorConfig(
        List.of(SimulatedModel.echo("gpt-4o", 20), SimulatedModel.echo("gpt-4o-mini", 5)),
        Outage.none);
  }

  static SimulatorConfig openWeightsModels() {
    return new SimulatorConfig(
        List.of(SimulatedModel.echo("llama-3.1-70b", 10), SimulatedModel.echo("llama-3.1-8b", 1)),
        Outage.none);
  }

  /**
   * The routing config tests start from: cost policy with a 0.75 quality floor (gpt-4o-mini wins),
   * fallback to llama-3.1-70b then gpt-4o, a circuit breaker that opens after 4 calls and waits 1
   * s.
   */
  static RoutingConfig baseline() {
    SelectionSpec selection = new SelectionSpec();
    selection.policy = SelectionPolicy.cost;
    selection.qualityFloor = 0.75;
    FallbackSpec fallback = new FallbackSpec();
    fallback.chain = List.of("llama-3.1-70b", "gpt-4o");
    fallback.maxAttempts = 4;
    fallback.timeoutSeconds = 1;
    CircuitBreakerSpec breaker = new CircuitBreakerSpec();
    breaker.requestVolumeThreshold = 4;
    breaker.failureRatio = 0.5;
    breaker.delaySeconds = 1;
    breaker.successThreshold = 1;
    RouterPodSpec limits = new RouterPodSpec();
    limits.maxRequestBytes = 65536;
    limits.maxInFlight = 256;
    String openaiUrl = openai.baseUrl();
    String openWeightsUrl = openWeights.baseUrl();
    return new RoutingConfig(
        "beastmode-test/assistant",
        "eu-west",
        List.of(
            model("gpt-4o", "openai", openaiUrl, 2.50, 10.00, 0.88, 128_000, true),
            model("gpt-4o-mini", "openai", openaiUrl, 0.15, 0.60, 0.78, 128_000, true),
            model("llama-3.1-70b", "open-weights", openWeightsUrl, 0.88, 0.88, 0.80, 131_072, true),
            model("llama-3.1-8b", "open-weights", openWeightsUrl, 0.05, 0.08, 0.62, 8_192, false)),
        selection,
        new CacheSpec(),
        fallback,
        breaker,
        limits);
  }

  static ModelRoute model(
      String name,
      String pool,
      String url,
      double in,
      double out,
      double quality,
      int context,
      boolean tools) {
    ModelCapabilities caps = new ModelCapabilities();
    caps.tools = tools;
    return new ModelRoute(name, pool, name, url, null, in, out, quality, null, context, null, caps);
  }

  /** Replaces the routing file in one step, the way a ConfigMap volume update lands. */
  static void write(RoutingConfig config) {
    replace(routingFile, ConfigYaml.write(config));
  }

  static void writeTraffic(TrafficConfig traffic) {
    replace(trafficFile, ConfigYaml.write(traffic));
  }

  /** Replaces a file in one step, the way a ConfigMap volume update lands. */
  static void replace(Path file, String content) {
    try {
      Path temp = Files.createTempFile(file.getParent(), "next", ".yaml");
      Files.writeString(temp, content);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
