package io.beastmode.gitops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.BackupPolicyStatus;
import io.beastmode.api.v1alpha1.ConditionStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.ModelPoolStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.api.v1alpha1.RegionStatus;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestStatus;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.ServiceLevelObjective;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.Conditions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Argo CD health checks in k8s/gitops/argocd-cm-health.yaml, run by a real Lua 5.1 interpreter
 * (Argo CD runs them in gopher-lua, a Lua 5.1) against objects whose status is built from the
 * operator's own status classes and serialised as the API server holds them.
 */
class ArgoHealthChecksTest {
  static final Path PATCH = Path.of("k8s", "gitops", "argocd-cm-health.yaml");
  static final String LUA = "lua5.1";
  static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          Region.class,
          ModelPool.class,
          LLMRouter.class,
          ServiceLevelObjective.class,
          BackupPolicy.class,
          RestoreRequest.class,
          ApiKey.class);
  static final Conditions CONDITIONS =
      new Conditions(Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC));

  static Map<String, String> scripts;

  @TempDir Path dir;

  @BeforeAll
  static void readScripts() throws IOException {
    JsonNode data = new YAMLMapper().readTree(PATCH.toFile()).path("data");
    scripts = new TreeMap<>();
    data.fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().startsWith("resource.customizations.health.")) {
                scripts.put(e.getKey(), e.getValue().asText());
              }
            });
  }

  @Test
  void everyKindHasTheSameHealthCheck() {
    assertThat(scripts.keySet())
        .containsExactlyInAnyOrderElementsOf(
            KINDS.stream().map(ArgoHealthChecksTest::key).collect(Collectors.toList()));
    assertThat(scripts.values().stream().distinct()).hasSize(1);
  }

  @Test
  void readyIsHealthyWithTheConditionsReasonAndMessage() throws Exception {
    var region = object(new Region(), 3, regionStatus(3, RegionPhase.Healthy));
    CONDITIONS.set(
        region.getStatus(),
        null,
        3,
        Conditions.ready(
            ConditionStatus.True, "Healthy", "API server answered in 4 ms; routers ready"));

    assertThat(health(region))
        .isEqualTo("Healthy\nHealthy: API server answered in 4 ms; routers ready");
  }

  @Test
  void aGenerationTheOperatorHasNotSeenIsProgressing() throws Exception {
    var router = object(new LLMRouter(), 4, routerStatus(3));
    CONDITIONS.set(
        router.getStatus(),
        null,
        3,
        Conditions.ready(ConditionStatus.True, "AllRegionsReady", "routers ready in 2 region(s)"));

    assertThat(health(router))
        .isEqualTo("Progressing\nWaiting for the operator to observe generation 4");
  }

  @Test
  void noStatusYetOrNoReadyConditionIsProgressing() throws Exception {
    assertThat(health(object(new ServiceLevelObjective(), 1, null)))
        .isEqualTo("Progressing\nWaiting for the operator to report status");
    var backup = object(new BackupPolicy(), 1, new BackupPolicyStatus());
    backup.getStatus().observedGeneration = 1L;
    assertThat(health(backup)).isEqualTo("Progressing\nWaiting for the Ready condition");
  }

  @Test
  void aRestoreOnItsWayIsProgressing() throws Exception {
    var restore = object(new RestoreRequest(), 1, new RestoreRequestStatus());
    restore.getStatus().observedGeneration = 1L;
    restore.getStatus().phase = RestorePhase.Running;
    CONDITIONS.set(
        restore.getStatus(),
        null,
        1,
        Conditions.ready(ConditionStatus.False, "WaitingForRouters", "objects restored"));

    assertThat(health(restore)).isEqualTo("Progressing\nWaitingForRouters: objects restored");
  }

  @Test
  void notReadyIsDegraded() throws Exception {
    var pool = object(new ModelPool(), 2, new ModelPoolStatus());
    pool.getStatus().observedGeneration = 2L;
    CONDITIONS.set(
        pool.getStatus(),
        null,
        2,
        Conditions.ready(ConditionStatus.False, "SecretNotFound", "Secret openai-key not found"));
    var restore = object(new RestoreRequest(), 1, new RestoreRequestStatus());
    restore.getStatus().observedGeneration = 1L;
    restore.getStatus().phase = RestorePhase.Failed;
    CONDITIONS.set(
        restore.getStatus(),
        null,
        1,
        Conditions.ready(ConditionStatus.False, "Failed", "snapshot unreadable"));

    var key = object(new ApiKey(), 1, new ApiKeyStatus());
    key.getStatus().observedGeneration = 1L;
    CONDITIONS.set(
        key.getStatus(),
        null,
        1,
        Conditions.ready(ConditionStatus.False, "Expired", "expired at 2026-01-01T00:00:00Z"));

    assertThat(health(pool)).isEqualTo("Degraded\nSecretNotFound: Secret openai-key not found");
    assertThat(health(key)).isEqualTo("Degraded\nExpired: expired at 2026-01-01T00:00:00Z");
    assertThat(health(restore)).isEqualTo("Degraded\nFailed: snapshot unreadable");
  }

  @Test
  void anUnknownReadyIsProgressingAndADrainingRegionSuspended() throws Exception {
    var probing = object(new Region(), 1, regionStatus(1, RegionPhase.Unknown));
    CONDITIONS.set(
        probing.getStatus(),
        null,
        1,
        Conditions.ready(ConditionStatus.Unknown, "Probing", "first probe pending"));
    var draining = object(new Region(), 2, regionStatus(2, RegionPhase.Draining));
    CONDITIONS.set(
        draining.getStatus(),
        null,
        2,
        Conditions.ready(
            ConditionStatus.False, "Draining", "spec.draining is true: traffic moves away"));

    assertThat(health(probing)).isEqualTo("Progressing\nProbing: first probe pending");
    assertThat(health(draining))
        .isEqualTo("Suspended\nDraining: spec.draining is true: traffic moves away");
  }

  @Test
  void aRouterRollingOutIsProgressingButOneFailedOverIsDegraded() throws Exception {
    var rolling = object(new LLMRouter(), 1, routerStatus(1));
    rolling.getStatus().regions =
        List.of(routerRegion("eu-west", RegionPhase.Healthy, TrafficStage.Active, 0, 2));
    CONDITIONS.set(
        rolling.getStatus(),
        null,
        1,
        Conditions.ready(
            ConditionStatus.False, "RegionsNotReady", "not ready: eu-west (0/2 ready)"));
    var failedOver = object(new LLMRouter(), 1, routerStatus(1));
    failedOver.getStatus().regions =
        List.of(
            routerRegion("eu-west", RegionPhase.Healthy, TrafficStage.Active, 2, 2),
            routerRegion("us-east", RegionPhase.Degraded, TrafficStage.FailedOver, 0, 2));
    CONDITIONS.set(
        failedOver.getStatus(),
        null,
        1,
        Conditions.ready(
            ConditionStatus.False, "RegionsNotReady", "not ready: us-east (0/2 ready)"));

    assertThat(health(rolling)).startsWith("Progressing\n");
    assertThat(health(failedOver))
        .isEqualTo("Degraded\nRegionsNotReady: not ready: us-east (0/2 ready)");
  }

  private static String key(Class<? extends HasMetadata> kind) {
    return "resource.customizations.health."
        + HasMetadata.getGroup(kind)
        + "_"
        + HasMetadata.getKind(kind);
  }

  private static <S, T extends CustomResource<?, S>> T object(T object, long generation, S status) {
    object.setMetadata(
        new ObjectMetaBuilder()
            .withName("sample")
            .withNamespace("team-a")
            .withGeneration(generation)
            .build());
    object.setStatus(status);
    return object;
  }

  private static RegionStatus regionStatus(long generation, RegionPhase phase) {
    var status = new RegionStatus();
    status.observedGeneration = generation;
    status.phase = phase;
    return status;
  }

  private static LLMRouterStatus routerStatus(long generation) {
    var status = new LLMRouterStatus();
    status.observedGeneration = generation;
    return status;
  }

  private static RouterRegionStatus routerRegion(
      String name, RegionPhase health, TrafficStage stage, int ready, int desired) {
    var region = new RouterRegionStatus();
    region.name = name;
    region.health = health;
    region.trafficStage = stage;
    region.readyReplicas = ready;
    region.desiredReplicas = desired;
    return region;
  }

  /**
   * Runs the object's kind's script with {@code obj} set, as Argo CD does; its status and message.
   */
  private String health(HasMetadata object) throws Exception {
    Path script = dir.resolve("health.lua");
    Files.writeString(script, scripts.get(key(object.getClass())));
    JsonNode json = new ObjectMapper().readTree(Serialization.asJson(object));
    Path harness = dir.resolve("harness.lua");
    Files.writeString(
        harness,
        "obj = "
            + lua(json)
            + "\nlocal hs = dofile(\""
            + script
            + "\")\nio.write(hs.status, \"\\n\", hs.message or \"\")\n");
    Process lua;
    try {
      lua = new ProcessBuilder(LUA, harness.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          LUA
              + " is needed to run the Argo CD health checks (apt-get install "
              + LUA
              + "; .ci/run installs it)",
          e);
    }
    assertThat(lua.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String out = new String(lua.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(lua.exitValue()).as(out).isZero();
    return out;
  }

  /** A JSON value as a Lua table constructor; JSON null is nil, as Argo CD hands objects to Lua. */
  static String lua(JsonNode node) {
    if (node.isObject()) {
      return "{"
          + stream(node.fieldNames())
              .filter(f -> !node.get(f).isNull())
              .map(f -> "[" + quote(f) + "]=" + lua(node.get(f)))
              .collect(Collectors.joining(", "))
          + "}";
    }
    if (node.isArray()) {
      return "{"
          + stream(node.elements()).map(ArgoHealthChecksTest::lua).collect(Collectors.joining(", "))
          + "}";
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    return quote(node.asText());
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  private static <T> Stream<T> stream(Iterator<T> iterator) {
    Iterable<T> iterable = () -> iterator;
    return StreamSupport.stream(iterable.spliterator(), false);
  }
}
