package io.beastmode.operator.router;

import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.operator.resolved.ResolvedRouter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which regions' learned examples the operator merges for a router. */
class LearnedExamplesRegionsTest {

  @Test
  void underTheLearnedPolicyEveryPlacedRegionWithARedis() {
    var chat = router("shop", "chat", List.of("hosted"), "east", "west", "edge");
    chat.getSpec().selection.policy = SelectionPolicy.learned;
    var resolved =
        new ResolvedRouter(
            chat,
            List.of(),
            List.of(
                withRedis("east", "redis://east:6379"),
                withRedis("west", "redis://west:6379"),
                region("edge", 1)));

    assertThat(LLMRouterReconciler.learnedExamples(resolved))
        .containsExactly(
            java.util.Map.entry("east", "redis://east:6379"),
            java.util.Map.entry("west", "redis://west:6379"));

    chat.getSpec().selection.policy = SelectionPolicy.cost;
    assertThat(LLMRouterReconciler.learnedExamples(resolved)).isEmpty();
  }

  private static Region withRedis(String name, String url) {
    var region = region(name, 1);
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = url;
    return region;
  }
}
