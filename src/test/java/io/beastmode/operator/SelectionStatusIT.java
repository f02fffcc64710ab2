package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.router;
import static io.beastmode.testing.Fixtures.selection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.SelectionPolicy;
import io.beastmode.testing.Fleet;
import io.beastmode.wire.SelectionSummary.Bounds;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The learned selection's policy in force reaches the LLMRouter's status, per region, from what the
 * routers publish in their heartbeats to each region's real Redis, on real API servers.
 */
class SelectionStatusIT {
  static final String NS = "team-s";
  static final String ROUTER = "chooser";

  static Fleet fleet;

  @BeforeAll
  static void start() {
    fleet = new Fleet(NS, List.of("east"), region -> {});
    fleet
        .hub()
        .resource(
            pool(NS, "hosted", model("cheap", 0.15, 0.6, 0.78), model("strong", 2.5, 10, 0.88)))
        .create();
  }

  @AfterAll
  static void stop() {
    fleet.close();
  }

  @Test
  void theStatusShowsThePolicyInForceTheRoutersReportInEachRegion() {
    // The hub's two routers disagree: the one with more outcomes moved to length.
    fleet
        .routers()
        .reportSelection(
            "hub",
            List.of(
                selection("blend", 0, 40, Bounds.of(0.41, 0.2, 0.6), 300, 12, 5),
                selection("length", 1, 120, Bounds.of(0.62, 0.5, 0.71), 500, 30, 14)));
    fleet
        .routers()
        .reportSelection(
            "east",
            List.of(
                selection("length", 1, 80, Bounds.of(0.58, 0.4, 0.7), 200, 10, 6),
                selection("length", 1, 70, Bounds.of(0.55, 0.4, 0.7), 100, 5, 2)));
    LLMRouter router = router(NS, ROUTER, List.of("hosted"), "hub", "east");
    router.getSpec().selection.policy = SelectionPolicy.learned;
    fleet.createRouter(router);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              var hub = fleet.entry("hub").selection;
              assertThat(hub).as("hub selection").isNotNull();
              assertThat(hub.policy).isEqualTo("length");
              assertThat(hub.since).isEqualTo("2026-11-30T00:53:20Z");
              assertThat(hub.switches).isEqualTo(1);
              assertThat(hub.outcomes).isEqualTo(120);
              assertThat(hub.pgr.estimate).isEqualTo(0.62);
              assertThat(hub.pgr.low).isEqualTo(0.5);
              assertThat(hub.pgr.high).isEqualTo(0.71);
              assertThat(hub.strongShare.estimate).isEqualTo(0.3);
              assertThat(hub.decisions).isEqualTo(800);
              assertThat(hub.explored).isEqualTo(42);
              assertThat(hub.exploredOffPolicy).isEqualTo(19);
              assertThat(hub.explorationShare).isEqualTo(0.05);
              assertThat(hub.policies)
                  .extracting(p -> p.policy + "=" + p.replicas)
                  .containsExactlyInAnyOrder("length=1", "blend=1");
              var east = fleet.entry("east").selection;
              assertThat(east).as("east selection").isNotNull();
              assertThat(east.outcomes).isEqualTo(80);
              assertThat(east.pgr.estimate).isEqualTo(0.58);
              assertThat(east.policies)
                  .extracting(p -> p.policy + "=" + p.replicas)
                  .containsExactly("length=2");
              assertThat(fleet.status().policyInForce).isEqualTo("length");
            });

    // East's routers move to blend on their outcomes: the status follows without any event.
    fleet
        .routers()
        .reportSelection(
            "east",
            List.of(
                selection("blend", 2, 150, Bounds.of(0.7, 0.6, 0.8), 400, 20, 9),
                selection("blend", 2, 140, Bounds.of(0.69, 0.6, 0.8), 300, 15, 7)));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              var east = fleet.entry("east").selection;
              assertThat(east.policy).isEqualTo("blend");
              assertThat(east.switches).isEqualTo(2);
              assertThat(east.outcomes).isEqualTo(150);
              assertThat(east.exploredOffPolicy).isEqualTo(16);
              assertThat(fleet.status().policyInForce).isEqualTo("blend (east), length (hub)");
            });
  }
}
