package io.beastmode.operator.resolved;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.beastmode.api.v1alpha1.ApiKey;
import io.beastmode.api.v1alpha1.ApiKeyStatus;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.ModelPool;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.operator.slo.SloActionsInForce;
import io.beastmode.operator.traffic.RouterTraffic;
import io.beastmode.operator.traffic.TrafficDecision;
import io.beastmode.wire.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The objects of k8s/examples as typed Java objects, as the API server would return them. */
public final class ExampleRouters {
  static final YAMLMapper YAML = new YAMLMapper();
  static final Path EXAMPLES = Path.of("k8s", "examples");

  final List<Region> regions = new ArrayList<>();
  public final List<ModelPool> pools = new ArrayList<>();
  public final List<LLMRouter> routers = new ArrayList<>();
  public final List<ApiKey> keys = new ArrayList<>();

  public static ExampleRouters load() {
    var inputs = new ExampleRouters();
    try {
      for (String file :
          List.of(
              "10-regions.yaml", "20-modelpools.yaml", "30-llmrouter.yaml", "35-apikeys.yaml")) {
        try (var parser = YAML.createParser(EXAMPLES.resolve(file).toFile())) {
          for (JsonNode node : YAML.readValues(parser, JsonNode.class).readAll()) {
            switch (node.get("kind").asText()) {
              case "Region" -> inputs.regions.add(YAML.treeToValue(node, Region.class));
              case "ModelPool" -> inputs.pools.add(YAML.treeToValue(node, ModelPool.class));
              case "LLMRouter" -> inputs.routers.add(YAML.treeToValue(node, LLMRouter.class));
              case "ApiKey" -> inputs.keys.add(withValue(YAML.treeToValue(node, ApiKey.class)));
              default -> {}
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var router = inputs.routers.get(0);
    router.getMetadata().setUid("0b5e5a1e-0000-4000-8000-000000000001");
    router.getMetadata().setGeneration(1L);
    return inputs;
  }

  /** A key as the operator leaves it: a value made, its hash in status (fixed, for goldens). */
  private static ApiKey withValue(ApiKey key) {
    key.setStatus(new ApiKeyStatus());
    key.getStatus().keyHash = Digests.sha256Hex("value of " + key.getMetadata().getName());
    return key;
  }

  public ResolvedRouter resolved() {
    return ((ResolvedRouter.Resolved) resolve()).router();
  }

  /**
   * The failover decision for the example router, from its current status and region health; a
   * router without status is taken as running, every region active with its routers ready.
   */
  public TrafficDecision traffic() {
    var router = routers.get(0);
    var status = router.getStatus() != null ? router.getStatus() : running(router);
    return RouterTraffic.decide(
        resolved(),
        status,
        java.util.Set.of(),
        SloActionsInForce.NONE,
        java.util.Map.of(),
        java.time.Instant.parse("2026-11-21T10:00:00Z"));
  }

  private static LLMRouterStatus running(LLMRouter router) {
    var status = new LLMRouterStatus();
    for (var placement : router.getSpec().regions) {
      var region = new RouterRegionStatus();
      region.name = placement.name;
      region.trafficStage = TrafficStage.Active;
      region.stageSince = "2026-11-21T09:00:00Z";
      region.readyReplicas = placement.replicas;
      status.regions.add(region);
    }
    return status;
  }

  /** Resolves the example router against the example pools and regions. */
  ResolvedRouter.Resolution resolve() {
    return ResolvedRouter.resolve(
        routers.get(0),
        name -> pools.stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst(),
        name -> regions.stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst());
  }

  public Region region(String name) {
    return regions.stream()
        .filter(r -> r.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
