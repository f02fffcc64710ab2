package io.beastmode.gitops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.hub.HubSettings;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.Flux;
import io.beastmode.testing.GitWorkingCopy;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.PlatformCrds;
import io.beastmode.testing.RedisServer;
import io.beastmode.testing.Running;
import io.beastmode.testing.SimulatedRouters;
import io.beastmode.testing.TempFiles;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flux for real: source-controller and kustomize-controller (built from their v1.9.6 modules) run
 * against a real API server and follow a git repository on a git server over smart HTTP. The
 * repository holds k8s/examples/ adapted to this test's one region, and Flux applies it with the
 * GitRepository and Kustomization of k8s/gitops/flux/sync.yaml (their health checks and
 * healthCheckExprs as shipped; URL, intervals and timeout shortened). The operator starts only
 * after Flux applied the objects, so their health checks are seen both before and after it
 * reconciled them.
 */
class FluxGitOpsIT {
  static final YAMLMapper YAML = new YAMLMapper();
  static final Path EXAMPLES = Path.of("k8s", "examples");
  static final Path SYNC = Path.of("k8s", "gitops", "flux", "sync.yaml");
  static final String NS = "beastmode-demo";
  static final String REGION = "eu-west";
  static final String KUSTOMIZATION = "beast-mode-examples";
  static final String SOURCE = "beast-mode";
  // Short, so the test is short; 30 s is the least timeout Flux takes (it reads less as 30 s).
  static final String SOURCE_INTERVAL = "2s";
  static final String INTERVAL = "10s";
  static final String RETRY_INTERVAL = "5s";
  static final String TIMEOUT = "30s";

  private final Running started = new Running();
  private final Path workDir = Path.of("target", "flux-gitops-it").toAbsolutePath();

  @AfterEach
  void stop() {
    started.close();
  }

  private <T extends AutoCloseable> T started(T part) {
    return started.add(part);
  }

  @Test
  void fluxAppliesTheExamplesAndReportsHealthOnlyOnceTheOperatorReconciledThem() throws Exception {
    TempFiles.delete(workDir);
    var server = started(ApiServer.start().withCrds().withPlatformCrds(PlatformCrds.HUB));
    KubernetesClient hub = server.client();
    var redis = started(RedisServer.start());
    started(new FakeWorkloadController(hub));
    var flux = started(Flux.start(server, workDir));
    var repository = flux.repository("beast-mode");

    // 1. The examples, committed while no operator runs.
    writeExamples(repository.dir(), redis.url());
    String first = repository.commitAndPush("k8s/examples for one region");
    applySync(flux, repository);

    var unhealthy =
        awaitKustomization(
            flux,
            k -> {
              if (isReady(k)) {
                throw new AssertionError(
                    "Flux passed the health checks of objects no operator reconciled: "
                        + ready(k).orElseThrow());
              }
              return first.equals(field(k, "status", "lastAttemptedRevision"))
                  && "HealthCheckFailed".equals(ready(k).map(c -> c.get("reason")).orElse(null));
            });
    // Flux applied them, and none has a status yet: plain kstatus would call them Current.
    for (var checked : healthChecked(hub)) {
      assertThat(checked.get().getAdditionalProperties()).doesNotContainKey("status");
    }
    assertThat(ready(unhealthy).orElseThrow().get("status")).isEqualTo("False");
    assertThat(ready(unhealthy).orElseThrow().get("message").toString())
        .contains("LLMRouter/beastmode-demo/assistant");

    // 2. The operator starts; the routers it deploys publish heartbeats, as pods would.
    var routers = started(new SimulatedRouters(redis.port()));
    routers.start(NS + "/assistant", REGION, 2, hub);
    started(new OperatorUnderTest(hub, HubSettings.active(REGION, Duration.ofSeconds(10))));
    var healthy = awaitKustomization(flux, k -> isReady(k) && first.equals(appliedRevision(k)));
    String healthySince = ready(healthy).orElseThrow().get("lastTransitionTime").toString();
    for (var checked : healthChecked(hub)) {
      var object = checked.get();
      @SuppressWarnings("unchecked")
      var status = (Map<String, Object>) object.getAdditionalProperties().get("status");
      assertThat(((Number) status.get("observedGeneration")).longValue())
          .as(object.getKind())
          .isEqualTo(object.getMetadata().getGeneration());
      var objectReady = condition(status, "Ready").orElseThrow();
      assertThat(objectReady.get("status")).as(object.getKind()).isEqualTo("True");
      // RFC 3339 in UTC to the second: the text orders as the time does.
      assertThat(objectReady.get("lastTransitionTime").toString())
          .as(object.getKind() + " was Ready before Flux said so")
          .isLessThanOrEqualTo(healthySince);
    }

    // 3. A commit that changes the LLMRouter reaches the router's ConfigMap.
    editLlmRouter(repository.dir(), router -> router.with("selection").put("qualityFloor", 0.8));
    Instant pushed = Instant.now();
    String second = repository.commitAndPush("assistant: quality floor 0.8");
    await()
        .atMost(Flux.BOUND)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> qualityFloor(hub).orElse(0.0) == 0.8);
    Duration toConfigMap = Duration.between(pushed, Instant.now());
    System.out.printf(
        "FluxGitOpsIT: commit to the router's ConfigMap in %.1f s (GitRepository interval %s,"
            + " Kustomization interval %s)%n",
        toConfigMap.toMillis() / 1000.0, SOURCE_INTERVAL, INTERVAL);
    awaitKustomization(flux, k -> isReady(k) && second.equals(appliedRevision(k)));

    // 4. A commit with an object the API server rejects: the Kustomization fails with its message.
    var invalid = invalidLlmRouter();
    String expectedError =
        invalid.path("metadata").path("annotations").path("beastmode.io/expected-error").asText();
    Path invalidFile = repository.dir().resolve("k8s/examples/60-invalid-llmrouter.yaml");
    Files.writeString(invalidFile, YAML.writeValueAsString(invalid));
    String third = repository.commitAndPush("an LLMRouter with minReplicas above maxReplicas");
    var failed =
        awaitKustomization(
            flux, k -> third.equals(field(k, "status", "lastAttemptedRevision")) && isNotReady(k));
    assertThat(ready(failed).orElseThrow().get("message").toString())
        .contains(invalid.path("metadata").path("name").asText())
        .contains(expectedError);
    assertThat(appliedRevision(failed)).isEqualTo(second);

    // 5. A commit that removes an object: Flux prunes it.
    Files.delete(invalidFile);
    removeApiKey(repository.dir(), "nightly-batch");
    String fourth = repository.commitAndPush("no nightly-batch key; the invalid router gone");
    var pruned = awaitKustomization(flux, k -> isReady(k) && fourth.equals(appliedRevision(k)));
    await()
        .atMost(Flux.BOUND)
        .until(
            () ->
                hub.resources(ApiKey.class).inNamespace(NS).withName("nightly-batch").get()
                    == null);
    assertThat(hub.resources(ApiKey.class).inNamespace(NS).withName("support-app").get())
        .isNotNull();
    assertThat(inventory(pruned)).noneMatch(id -> id.contains("nightly-batch"));
    assertThat(inventory(pruned)).anyMatch(id -> id.contains("support-app"));
  }

  /**
   * k8s/examples/ as a user of this test's fleet would commit it: one region, eu-west (the hub's
   * own cluster), on this test's Redis and probed every second; the LLMRouter and the pools placed
   * in it only. The BackupPolicy is left out: it needs a second region. invalid/ and local/ are
   * committed as they are: the shipped GitRepository's ignore rules keep Flux from them.
   */
  private static void writeExamples(Path tree, String redisUrl) throws IOException {
    Path target = tree.resolve(EXAMPLES);
    for (String sub : List.of("invalid", "local")) {
      copyTree(EXAMPLES.resolve(sub), target.resolve(sub));
    }
    for (Path file : ApiServer.yamlFiles(EXAMPLES)) {
      if (file.getFileName().toString().equals("50-backuppolicy.yaml")) {
        continue;
      }
      var documents = new StringBuilder();
      for (JsonNode object : read(file)) {
        adapt((ObjectNode) object, redisUrl).ifPresent(o -> documents.append(write(o)));
      }
      Files.writeString(target.resolve(file.getFileName()), documents);
    }
  }

  private static Optional<ObjectNode> adapt(ObjectNode object, String redisUrl) {
    switch (object.path("kind").asText()) {
      case "Region" -> {
        ObjectNode spec = (ObjectNode) object.path("spec");
        if (!REGION.equals(object.path("metadata").path("name").asText())) {
          return Optional.empty();
        }
        spec.with("redis").put("url", redisUrl);
        spec.with("healthCheck")
            .put("intervalSeconds", 1)
            .put("timeoutSeconds", 1)
            .put("failureThreshold", 2)
            .put("successThreshold", 1);
      }
      case "LLMRouter" -> {
        var regions = YAML.createArrayNode();
        regions.addObject().put("name", REGION).put("replicas", 2);
        ((ObjectNode) object.path("spec")).set("regions", regions);
      }
      case "ModelPool" -> {
        for (JsonNode model : object.path("spec").path("models")) {
          var endpoints = (ArrayNode) model.path("endpoints");
          for (int i = endpoints.size() - 1; i >= 0; i--) {
            String region = endpoints.get(i).path("region").asText(REGION);
            if (!REGION.equals(region)) {
              endpoints.remove(i);
            }
          }
        }
      }
      default -> {}
    }
    return Optional.of(object);
  }

  /**
   * The GitRepository and the examples' Kustomization of k8s/gitops/flux/sync.yaml, pointed at the
   * test's git server with short intervals; their health checks are kept as shipped.
   */
  private static void applySync(Flux flux, GitWorkingCopy repository) throws IOException {
    for (JsonNode node : read(SYNC)) {
      var object = (ObjectNode) node;
      ObjectNode spec = (ObjectNode) object.path("spec");
      String name = object.path("metadata").path("name").asText();
      switch (object.path("kind").asText()) {
        case "GitRepository" -> {
          spec.put("url", repository.remote());
          spec.put("interval", SOURCE_INTERVAL);
          spec.put("timeout", "10s");
        }
        case "Kustomization" -> {
          if (!KUSTOMIZATION.equals(name)) {
            // beast-mode-operator applies the HelmRelease: helm-controller is not run here.
            continue;
          }
          spec.remove("dependsOn");
          spec.put("interval", INTERVAL);
          spec.put("retryInterval", RETRY_INTERVAL);
          spec.put("timeout", TIMEOUT);
        }
        default -> throw new AssertionError("unexpected kind in " + SYNC + ": " + object);
      }
      var resource = Serialization.unmarshal(write(object), GenericKubernetesResource.class);
      flux.client().resource(resource).create();
    }
  }

  /** The objects the shipped Kustomization health-checks, as they are on the API server. */
  private static List<Resource<GenericKubernetesResource>> healthChecked(KubernetesClient hub)
      throws IOException {
    var checked = new ArrayList<Resource<GenericKubernetesResource>>();
    for (JsonNode object : read(SYNC)) {
      if (!KUSTOMIZATION.equals(object.path("metadata").path("name").asText())) {
        continue;
      }
      for (JsonNode check : object.path("spec").path("healthChecks")) {
        var kind =
            hub.genericKubernetesResources(
                check.path("apiVersion").asText(), check.path("kind").asText());
        String namespace = check.path("namespace").asText(null);
        checked.add(
            namespace == null
                ? kind.withName(check.path("name").asText())
                : kind.inNamespace(namespace).withName(check.path("name").asText()));
      }
    }
    assertThat(checked).isNotEmpty();
    return checked;
  }

  private static void editLlmRouter(Path tree, Consumer<ObjectNode> change) throws IOException {
    Path file = tree.resolve(EXAMPLES).resolve("30-llmrouter.yaml");
    var documents = new StringBuilder();
    for (JsonNode object : read(file)) {
      if ("LLMRouter".equals(object.path("kind").asText())) {
        change.accept((ObjectNode) object.path("spec"));
      }
      documents.append(write(object));
    }
    Files.writeString(file, documents);
  }

  private static void removeApiKey(Path tree, String name) throws IOException {
    Path file = tree.resolve(EXAMPLES).resolve("35-apikeys.yaml");
    var documents = new StringBuilder();
    for (JsonNode object : read(file)) {
      if (!name.equals(object.path("metadata").path("name").asText())) {
        documents.append(write(object));
      }
    }
    Files.writeString(file, documents);
  }

  /** The first object of k8s/examples/invalid/llmrouter.yaml, in the examples' namespace. */
  private static ObjectNode invalidLlmRouter() throws IOException {
    var object = (ObjectNode) read(EXAMPLES.resolve("invalid").resolve("llmrouter.yaml")).get(0);
    ((ObjectNode) object.path("metadata")).put("namespace", NS);
    return object;
  }

  private static Optional<Double> qualityFloor(KubernetesClient hub) throws IOException {
    ConfigMap configMap =
        hub.configMaps().inNamespace(NS).withName(RoutingConfigMap.name("assistant")).get();
    if (configMap == null) {
      return Optional.empty();
    }
    var routing =
        ConfigYaml.read(configMap.getData().get(RoutingConfigMap.ROUTING_KEY), RoutingConfig.class);
    return Optional.of(routing.selection().qualityFloor);
  }

  private static GenericKubernetesResource awaitKustomization(
      Flux flux, Predicate<GenericKubernetesResource> condition) {
    var kustomization = flux.object(Flux.KUSTOMIZE_API, "Kustomization", KUSTOMIZATION);
    try {
      return await()
          .atMost(Flux.BOUND)
          .pollInterval(Duration.ofMillis(250))
          .until(kustomization::get, k -> k != null && condition.test(k));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "Kustomization: "
              + Serialization.asYaml(kustomization.get())
              + "\nGitRepository: "
              + Serialization.asYaml(flux.object(Flux.SOURCE_API, "GitRepository", SOURCE).get())
              + "\nlogs: "
              + flux.logs(),
          e);
    }
  }

  private static boolean isReady(GenericKubernetesResource k) {
    return ready(k).map(c -> "True".equals(c.get("status"))).orElse(false);
  }

  private static boolean isNotReady(GenericKubernetesResource k) {
    return ready(k).map(c -> "False".equals(c.get("status"))).orElse(false);
  }

  private static String appliedRevision(GenericKubernetesResource k) {
    return field(k, "status", "lastAppliedRevision");
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> ready(GenericKubernetesResource k) {
    var status = (Map<String, Object>) k.getAdditionalProperties().get("status");
    return status == null ? Optional.empty() : condition(status, "Ready");
  }

  @SuppressWarnings("unchecked")
  private static Optional<Map<String, Object>> condition(Map<String, Object> status, String type) {
    var conditions = (List<Map<String, Object>>) status.get("conditions");
    if (conditions == null) {
      return Optional.empty();
    }
    return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst();
  }

  @SuppressWarnings("unchecked")
  private static String field(GenericKubernetesResource k, String... path) {
    Object value = k.getAdditionalProperties();
    for (String key : path) {
      if (!(value instanceof Map<?, ?> map)) {
        return null;
      }
      value = ((Map<String, Object>) map).get(key);
    }
    return value == null ? null : value.toString();
  }

  /** The ids of the objects the Kustomization applied (its inventory). */
  @SuppressWarnings("unchecked")
  private static List<String> inventory(GenericKubernetesResource k) {
    var status = (Map<String, Object>) k.getAdditionalProperties().get("status");
    var inventory = (Map<String, Object>) status.get("inventory");
    var entries = (List<Map<String, Object>>) inventory.get("entries");
    return entries.stream().map(e -> Objects.toString(e.get("id"))).toList();
  }

  private static List<JsonNode> read(Path file) throws IOException {
    try (var parser = YAML.createParser(file.toFile())) {
      return YAML.readValues(parser, JsonNode.class).readAll().stream()
          .filter(n -> n != null && !n.isNull() && !n.isMissingNode())
          .toList();
    }
  }

  private static String write(JsonNode object) {
    try {
      return YAML.writeValueAsString(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path copy = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
  }
}
