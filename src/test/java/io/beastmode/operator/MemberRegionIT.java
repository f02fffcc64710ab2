package io.beastmode.operator;

import static io.beastmode.testing.Fixtures.memberRegion;
import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPhase;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.FakeWorkloadController;
import io.beastmode.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hub and a member region, each its own API server. Stopping the member's API server is a region
 * outage: the hub marks it Unreachable and leaves everything where it is.
 */
class MemberRegionIT {
  static final String NS = "team-b";
  static ApiServer hubServer;
  static ApiServer memberServer;
  static KubernetesClient hub;
  static FakeWorkloadController hubWorkloads;
  static FakeWorkloadController memberWorkloads;
  static OperatorUnderTest operator;

  @BeforeAll
  static void start() {
    hubServer = ApiServer.start().withCrds();
    memberServer = ApiServer.start();
    hub = hubServer.client();
    hubWorkloads = new FakeWorkloadController(hub);
    memberWorkloads = new FakeWorkloadController(memberServer.client());
    operator = new OperatorUnderTest(hub);
    for (String ns : List.of(NS, "beast-mode-system")) {
      hub.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    hub.secrets()
        .inNamespace("beast-mode-system")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("member-kubeconfig")
                .endMetadata()
                .withStringData(Map.of("kubeconfig", memberServer.kubeconfig()))
                .build())
        .create();
  }

  @AfterAll
  static void stop() {
    operator.close();
    hubWorkloads.close();
    memberWorkloads.close();
    hubServer.stop();
  }

  @Test
  void routersRunInBothRegionsAndAnOutageLeavesThemInPlace() {
    hub.resource(region("hub", 1)).create();
    hub.resource(memberRegion("member", 1, "beast-mode-system", "member-kubeconfig")).create();
    hub.resource(pool(NS, "hosted", model("m", 1, 2, 0.8))).create();
    hub.resource(router(NS, "spread", List.of("hosted"), "hub", "member")).create();

    var member = memberServer.client();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> member.configMaps().inNamespace(NS).withName("spread-routing").get() != null);
    assertThat(
            member
                .configMaps()
                .inNamespace(NS)
                .withName("spread-routing")
                .get()
                .getData()
                .get("routing.yaml"))
        .contains("region: member");
    await().atMost(Duration.ofSeconds(60)).until(() -> "2/2".equals(status("spread").readyRegions));
    await().atMost(Duration.ofSeconds(30)).until(() -> phase("member") == RegionPhase.Healthy);

    // Owner references cannot reach the member: its objects are watched there and restored.
    String uid =
        member.configMaps().inNamespace(NS).withName("spread-routing").get().getMetadata().getUid();
    member.configMaps().inNamespace(NS).withName("spread-routing").delete();
    member
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("spread")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("someone-elses:image");
              return d;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var restored = member.configMaps().inNamespace(NS).withName("spread-routing").get();
              assertThat(restored).isNotNull();
              assertThat(restored.getMetadata().getUid()).isNotEqualTo(uid);
              assertThat(
                      member
                          .apps()
                          .deployments()
                          .inNamespace(NS)
                          .withName("spread")
                          .get()
                          .getSpec()
                          .getTemplate()
                          .getSpec()
                          .getContainers()
                          .get(0)
                          .getImage())
                  .isEqualTo(OperatorUnderTest.ROUTER_IMAGE);
            });

    memberWorkloads.close();
    memberServer.stop();

    await().atMost(Duration.ofSeconds(30)).until(() -> phase("member") == RegionPhase.Unreachable);
    var unreachable = hub.resources(Region.class).withName("member").get().getStatus();
    assertThat(unreachable.consecutiveFailures).isGreaterThanOrEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var regions = status("spread").regions;
              assertThat(regions)
                  .anySatisfy(
                      r -> {
                        assertThat(r.name).isEqualTo("member");
                        assertThat(r.health).isEqualTo(RegionPhase.Unreachable);
                        assertThat(r.trafficWeight).isZero();
                      });
            });
    assertThat(phase("hub")).isEqualTo(RegionPhase.Healthy);
    assertThat(hub.apps().deployments().inNamespace(NS).withName("spread").get()).isNotNull();

    // Deleting the router while a region is cut off must not orphan that region's routers silently:
    // the hub cleans its own region and keeps the finalizer until the member can be reached.
    hub.resources(LLMRouter.class).inNamespace(NS).withName("spread").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> hub.apps().deployments().inNamespace(NS).withName("spread").get() == null);
    assertThat(hub.resources(LLMRouter.class).inNamespace(NS).withName("spread").get()).isNotNull();
  }

  private static RegionPhase phase(String region) {
    var status = hub.resources(Region.class).withName(region).get().getStatus();
    return status == null ? null : status.phase;
  }

  private static io.beastmode.api.v1alpha1.LLMRouterStatus status(String router) {
    var status = hub.resources(LLMRouter.class).inNamespace(NS).withName(router).get().getStatus();
    return status == null ? new io.beastmode.api.v1alpha1.LLMRouterStatus() : status;
  }
}
