package io.beastmode.operator.resolved;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.resolved.ResolvedRouter.Unresolved;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResolvedRouterTest {

  @Test
  void resolvesPoolsAndRegionsInSpecOrder() {
    var inputs = ExampleRouters.load().resolved();
    assertThat(inputs.pools())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("openai", "open-weights");
    assertThat(inputs.regions())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("eu-west", "us-east", "ap-south");
  }

  @Test
  void namesEveryMissingPool() {
    var example = ExampleRouters.load();
    var result =
        ResolvedRouter.resolve(
            example.routers.get(0),
            name -> Optional.empty(),
            name -> Optional.of(example.regions.get(0)));
    assertThat(result)
        .isEqualTo(
            new Unresolved(
                "ModelPoolNotFound",
                "spec.modelPools: ModelPool openai, open-weights not found in namespace beastmode-demo"));
  }

  @Test
  void namesAMissingRegion() {
    var example = ExampleRouters.load();
    var result =
        ResolvedRouter.resolve(
            example.routers.get(0),
            name ->
                example.pools.stream()
                    .filter(p -> p.getMetadata().getName().equals(name))
                    .findFirst(),
            name ->
                name.equals("eu-west") ? Optional.of(example.regions.get(0)) : Optional.empty());
    assertThat(result)
        .isEqualTo(
            new Unresolved("RegionNotFound", "spec.regions: Region us-east, ap-south not found"));
  }

  @Test
  void refusesAModelOfferedByTwoPoolsAndAnUnknownFallback() {
    var example = ExampleRouters.load();
    example.routers.get(0).getSpec().fallback.chain = List.of("gpt-4o-mini", "claude-9");
    var result = example.resolve();
    assertThat(((Unresolved) result).reason()).isEqualTo("UnknownFallbackModel");
    assertThat(((Unresolved) result).message()).contains("claude-9").doesNotContain("gpt-4o-mini");

    example.routers.get(0).getSpec().fallback.chain = List.of();
    example.pools.get(1).getSpec().models.get(0).name = "gpt-4o";
    var duplicate = example.resolve();
    assertThat(((Unresolved) duplicate).reason()).isEqualTo("DuplicateModel");
  }
}
