package io.beastmode.chart;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.testing.Helm;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.PodImage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code helm install} of the chart into a region with a real node, with the project's image: two
 * operator pods become Ready, one holds the leader Lease, and it deploys routers with the chart's
 * RBAC; when the leader's pod is deleted, the other takes the Lease and reconciles, and the
 * Deployment brings a replacement pod up.
 */
class ChartOnNodeIT {
  static final String NS = "team";
  static final Duration POD_START = Duration.ofSeconds(240);

  @Test
  void twoOperatorPodsOneLeadsAndLeadershipMovesWhenItsPodIsDeleted() {
    long started = System.nanoTime();
    try (var region = NodeRegion.start()) {
      region.importImage(PodImage.archive());
      region.apiServer().withCrdsFrom(Helm.CHART.resolve("crds"));
      KubernetesClient client = region.client();
      List<HasMetadata> chart =
          Helm.install(
              region.apiServer(),
              "--set",
              "image.tag=" + PodImage.TAG,
              "--set",
              "image.pullPolicy=Never");
      String leaseName = Helm.operatorEnv(chart, "BEASTMODE_LEADER_ELECTION_LEASE_NAME");
      var operatorImage =
          chart.stream()
              .filter(Deployment.class::isInstance)
              .map(d -> ((Deployment) d).getSpec().getTemplate().getSpec().getContainers().get(0))
              .findFirst()
              .orElseThrow()
              .getImage();
      assertThat(operatorImage).isEqualTo(PodImage.REFERENCE);

      Set<String> first = awaitReadyOperators(client, 2);
      String leader =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> holder(client, leaseName), first::contains);
      System.out.printf(
          "two operator pods Ready, %s leading, %.0f s after the start%n",
          leader, (System.nanoTime() - started) / 1e9);

      // The leader deploys a router with the chart's RBAC, from the image the chart gives it.
      applyRouter(client);
      Deployment routers = awaitRouterDeployment(client);
      assertThat(routers.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo(PodImage.REFERENCE);

      long deleted = System.nanoTime();
      client.pods().inNamespace(Helm.NAMESPACE).withName(leader).delete();
      // The other pod takes the Lease, or the leader's replacement if it wins the race to it.
      String next =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () -> holder(client, leaseName),
                  holder -> holder != null && !holder.equals(leader));
      System.out.printf(
          "%s took the Lease %.0f s after %s's pod was deleted%n",
          next, (System.nanoTime() - deleted) / 1e9, leader);
      // The new leader reconciles: a router Deployment deleted by hand comes back.
      client.apps().deployments().inNamespace(NS).withName("chat").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                var d = client.apps().deployments().inNamespace(NS).withName("chat").get();
                return d != null
                    && d.getMetadata().getDeletionTimestamp() == null
                    && !d.getMetadata().getUid().equals(routers.getMetadata().getUid());
              });

      Set<String> after = awaitReadyOperators(client, 2);
      assertThat(after).contains(next).doesNotContain(leader);
      // Measured, not asserted: the operator's memory with a handful of objects, against 512Mi.
      System.out.printf(
          "peak memory of the leading operator pod %s: %.0f MiB%n",
          next, region.peakMemoryMiB(Helm.NAMESPACE, next));
      System.out.printf(
          "a replacement operator pod Ready %.0f s after the deletion; the class took %.0f s%n",
          (System.nanoTime() - deleted) / 1e9, (System.nanoTime() - started) / 1e9);
    }
  }

  /** A router in the hub's own region: one replica, no autoscaler. */
  private static void applyRouter(KubernetesClient client) {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    client.resource(region("local", 5)).create();
    client.resource(pool(NS, "hosted", model("small", 0.15, 0.6, 0.7))).create();
    var chat = router(NS, "chat", List.of("hosted"));
    chat.getSpec().regions = List.of(new RegionPlacement("local", 1));
    chat.getSpec().autoscaling.enabled = false;
    client.resource(chat).create();
  }

  private static Deployment awaitRouterDeployment(KubernetesClient client) {
    return await()
        .atMost(Duration.ofSeconds(90))
        .until(
            () -> client.apps().deployments().inNamespace(NS).withName("chat").get(),
            d -> d != null);
  }

  /** The names of the operator's pods once {@code count} are Ready and none other runs. */
  private static Set<String> awaitReadyOperators(KubernetesClient client, int count) {
    return await()
        .atMost(POD_START)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              List<Pod> pods =
                  client
                      .pods()
                      .inNamespace(Helm.NAMESPACE)
                      .withLabel("app.kubernetes.io/name", "beast-mode-operator")
                      .list()
                      .getItems()
                      .stream()
                      .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                      .toList();
              return pods.size() == count && pods.stream().allMatch(Readiness::isPodReady)
                  ? pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet())
                  : null;
            },
            names -> names != null);
  }

  private static String holder(KubernetesClient client, String leaseName) {
    Lease lease =
        client.resources(Lease.class).inNamespace(Helm.NAMESPACE).withName(leaseName).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }
}
