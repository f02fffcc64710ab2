package io.beastmode.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.operator.OperatorLeaderElection;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Helm;
import io.beastmode.testing.OperatorUnderTest;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas as the chart runs them (its ServiceAccount, RBAC and lease name), on a real
 * API server: one leads and reconciles, the other is ready but idle; when the leader shuts down the
 * other takes over; a replica that loses its lease to another exits.
 */
class LeaderElectionIT {

  /**
   * One replica: its own client as the chart's ServiceAccount, its election, whether it asked to
   * exit.
   */
  record Replica(
      String name,
      KubernetesClient client,
      OperatorLeaderElection election,
      AtomicBoolean exited,
      OperatorUnderTest operator)
      implements AutoCloseable {
    static Replica start(ApiServer server, String name, String lease) {
      var exited = new AtomicBoolean();
      var election = new OperatorLeaderElection(() -> exited.set(true));
      var client = server.clientAs(Helm.SERVICE_ACCOUNT);
      return new Replica(
          name,
          client,
          election,
          exited,
          new OperatorUnderTest(client, election.configuration(lease, Helm.NAMESPACE, name)));
    }

    /**
     * Whether it reconciled anything: the router controller records traffic weights on every
     * reconcile.
     */
    /** Whether a controller registered a meter (the hub's own are there from the start). */
    boolean reconciled() {
      return operator.registry().getMeters().stream()
          .anyMatch(m -> !m.getId().getName().startsWith("beastmode.hub."));
    }

    /** As the pod's shutdown does it. */
    @Override
    public void close() {
      election.shuttingDown();
      operator.close();
      client.close();
    }
  }

  @Test
  void oneReplicaReconcilesAndTheOtherTakesOver() {
    try (var server = ApiServer.start().withCrdsFrom(Helm.CHART.resolve("crds"))) {
      List<HasMetadata> chart = Helm.install(server);
      String leaseName = Helm.operatorEnv(chart, "BEASTMODE_LEADER_ELECTION_LEASE_NAME");
      Resource<Lease> lease =
          server.client().resources(Lease.class).inNamespace(Helm.NAMESPACE).withName(leaseName);

      var first = Replica.start(server, "operator-a", leaseName);
      await().atMost(Duration.ofSeconds(20)).until(() -> holder(lease), "operator-a"::equals);
      try (var second = Replica.start(server, "operator-b", leaseName)) {
        // The standby passes its readiness probe, or a rolling update would never finish.
        await().atMost(Duration.ofSeconds(20)).until(second.operator()::ready);
        for (Path file : ApiServer.yamlFiles(Path.of("k8s", "examples"))) {
          for (HasMetadata object : server.load(file)) {
            server.client().resource(object).fieldManager("kubectl").serverSideApply();
          }
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    first.reconciled()
                        && server
                                .client()
                                .apps()
                                .deployments()
                                .inNamespace("beastmode-demo")
                                .withName("assistant")
                                .get()
                            != null);
        assertThat(second.reconciled()).as("the standby reconciles nothing").isFalse();

        // The leader's pod shuts down: it gives up leading without exiting, and the standby takes
        // over
        // once the lease expires (15 s).
        first.close();
        assertThat(first.exited()).isFalse();
        server
            .client()
            .apps()
            .deployments()
            .inNamespace("beastmode-demo")
            .withName("assistant")
            .delete();
        await().atMost(Duration.ofSeconds(40)).until(() -> holder(lease), "operator-b"::equals);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    server
                                .client()
                                .apps()
                                .deployments()
                                .inNamespace("beastmode-demo")
                                .withName("assistant")
                                .get()
                            != null
                        && second.reconciled());

        // Another replica takes the lease (the leader was cut off too long): the leader must stop.
        lease.edit(
            l -> {
              l.getSpec().setHolderIdentity("operator-c");
              l.getSpec().setRenewTime(ZonedDateTime.now());
              return l;
            });
        await().atMost(Duration.ofSeconds(10)).untilTrue(second.exited());
      }
    }
  }

  private static String holder(Resource<Lease> lease) {
    var current = lease.get();
    return current == null ? null : current.getSpec().getHolderIdentity();
  }
}
