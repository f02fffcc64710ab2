package io.beastmode.router;

import io.beastmode.api.v1alpha1.CacheSpec;
import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.beastmode.api.v1alpha1.FallbackSpec;
import io.beastmode.api.v1alpha1.ModelCapabilities;
import io.beastmode.api.v1alpha1.ModelUpstream;
import io.beastmode.api.v1alpha1.RouterPodSpec;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.api.v1alpha1.SelectionSpec;
import io.beastmode.api.v1alpha1.UpstreamKind;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.RoutingConfig;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A router in front of one simulator that serves a model on each kind of upstream: Anthropic
 * Messages ({@code claude-sonnet}, thinking, two parallel tools, prompt-cache reads and writes; and
 * {@code claude-overloaded}, always 529), OpenAI-compatible ({@code gpt-4o-mini}, two parallel
 * tools, at most 4096 output tokens) and Azure OpenAI ({@code azure-gpt}, on its deployment path),
 * and an embedding model. {@code claude-overloaded} falls back to {@code gpt-4o-mini}. The coding
 * agents and agent SDKs ask for models by the names their vendors use, which the router maps to
 * simulated ones that answer a fixed text: {@code claude-opus-5-5} (Claude Code's default) to the
 * Anthropic {@code claude-agent}, {@code claude-sonnet-4-5} and {@code gpt-5.5-codex} to the
 * OpenAI-compatible {@code gpt-agent}.
 */
public class RouterDialectsTestResource implements QuarkusTestResourceLifecycleManager {
  /** What the coding agents' models answer, whatever they are asked. */
  static final String ANTHROPIC_AGENT_ANSWER = "Hello from the Anthropic model behind BEAST MODE.";

  static final String OPENAI_AGENT_ANSWER =
      "Hello from the OpenAI-compatible model behind BEAST MODE.";

  static final String SIMULATED =
      """
      models:
        - name: claude-sonnet-4-5
          api: anthropic
          apiKey: sk-ant-test
          toolCalls: 2
          parallelToolCalls: true
          thinking: Two lookups, both at once.
          cacheReadShare: 0.5
          cacheWriteShare: 0.25
        - name: claude-overloaded
          api: anthropic
          errorRate: 1
          errorStatus: 529
        - name: gpt-4o-mini
          toolCalls: 2
          parallelToolCalls: true
          cacheReadShare: 0.5
        - name: azure-gpt
          api: azure
          apiKey: azure-test-key
        - name: text-embedding-3-small
          embeddingDimensions: 8
        - name: claude-agent
          api: anthropic
          apiKey: sk-ant-test
          answer: %s
          thinking: A greeting is all that is asked.
        - name: gpt-agent
          answer: %s
      """
          .formatted(ANTHROPIC_AGENT_ANSWER, OPENAI_AGENT_ANSWER);

  /** The environment variable names the router reads upstream keys from (set in the pom). */
  static final String ANTHROPIC_KEY_ENV = "BEASTMODE_TEST_ANTHROPIC_KEY";

  static RedisServer redis;
  static SimulatorServer simulator;
  private static Vertx vertx;
  private static Path dir;

  @Override
  public Map<String, String> start() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
    try {
      simulator = SimulatorServer.start(vertx, 0, SimulatorConfig.read(SIMULATED));
      dir = Files.createTempDirectory("beastmode-dialects");
      Path routing = dir.resolve("routing.yaml");
      Files.writeString(routing, ConfigYaml.write(config()));
      return Map.of(
          "beastmode.role", "router",
          "beastmode.router.config", routing.toString(),
          "beastmode.router.pod", "router-dialects-0",
          "beastmode.router.cache-timeout", "2s",
          "quarkus.redis.hosts", redis.url());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    simulator.close();
    vertx.close();
    redis.close();
    TempFiles.delete(dir);
  }

  /** The simulator's root: Anthropic's and Azure's base URLs name the host. */
  static String root() {
    return "http://127.0.0.1:" + simulator.port();
  }

  static RoutingConfig config() {
    SelectionSpec selection = new SelectionSpec();
    selection.policy = SelectionPolicy.cost;
    selection.qualityFloor = 0;
    FallbackSpec fallback = new FallbackSpec();
    fallback.chain = List.of("gpt-4o-mini");
    fallback.maxAttempts = 3;
    fallback.timeoutSeconds = 5;
    RouterPodSpec limits = new RouterPodSpec();
    // Claude Code's requests carry its system prompt and tools: about 50 to 80 KB.
    limits.maxRequestBytes = 131072;
    CacheSpec cache = new CacheSpec();
    // A tool call replayed from the cache must read as the call that was stored.
    cache.cacheToolRequests = true;
    ModelUpstream anthropic = new ModelUpstream();
    anthropic.kind = UpstreamKind.anthropic;
    ModelUpstream azure = new ModelUpstream();
    azure.kind = UpstreamKind.azureOpenAI;
    azure.apiVersion = "2024-10-21";
    return new RoutingConfig(
        "beastmode-test/dialects",
        "eu-west",
        List.of(
            model(
                "claude-sonnet",
                "claude-sonnet-4-5",
                root(),
                ANTHROPIC_KEY_ENV,
                anthropic,
                3.00,
                15.00,
                0.30,
                3.75),
            model(
                "claude-overloaded",
                "claude-overloaded",
                root(),
                null,
                anthropic,
                3.00,
                15.00,
                null,
                null),
            model(
                "gpt-4o-mini", "gpt-4o-mini", root() + "/v1", null, null, 0.15, 0.60, 0.075, null),
            model(
                "azure-gpt",
                "azure-gpt",
                root(),
                "BEASTMODE_TEST_AZURE_KEY",
                azure,
                0.15,
                0.60,
                null,
                null),
            embeddingModel("text-embedding-3-small", root() + "/v1", 0.02),
            // Priced above the rest so that "auto" never picks them; output limits as large as
            // the agents ask for (Claude Code asks for 128000 tokens).
            agentModel("claude-opus-5-5", "claude-agent", root(), ANTHROPIC_KEY_ENV, anthropic),
            agentModel("claude-sonnet-4-5", "gpt-agent", root() + "/v1", null, null),
            agentModel("gpt-5.5-codex", "gpt-agent", root() + "/v1", null, null)),
        selection,
        cache,
        fallback,
        new CircuitBreakerSpec(),
        limits);
  }

  private static ModelRoute embeddingModel(String name, String url, double in) {
    ModelCapabilities caps = new ModelCapabilities();
    caps.embeddings = true;
    return new ModelRoute(name, "pool", name, url, null, in, 0, 0.8, null, 8192, null, caps);
  }

  private static ModelRoute agentModel(
      String name, String upstreamModel, String url, String keyEnv, ModelUpstream upstream) {
    ModelCapabilities caps = new ModelCapabilities();
    caps.tools = true;
    return new ModelRoute(
        name,
        "pool",
        upstreamModel,
        url,
        keyEnv,
        15.00,
        75.00,
        0.8,
        null,
        200_000,
        128_000,
        caps,
        upstream,
        null,
        null);
  }

  private static ModelRoute model(
      String name,
      String upstreamModel,
      String url,
      String keyEnv,
      ModelUpstream upstream,
      double in,
      double out,
      Double cacheRead,
      Double cacheWrite) {
    ModelCapabilities caps = new ModelCapabilities();
    caps.tools = true;
    return new ModelRoute(
        name,
        "pool",
        upstreamModel,
        url,
        keyEnv,
        in,
        out,
        0.8,
        null,
        200_000,
        // Less output for gpt-4o-mini than for the others: a request for more is one the
        // fallback model cannot take.
        name.equals("gpt-4o-mini") ? 4096 : 8192,
        caps,
        upstream,
        cacheRead,
        cacheWrite);
  }
}
