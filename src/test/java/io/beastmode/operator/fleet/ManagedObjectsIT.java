package io.beastmode.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.ManagedLabels;
import io.beastmode.testing.ApiServer;
import io.beastmode.testing.AuditLog;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying a router's objects to a real API server whose audit log records every request: a
 * reconcile with nothing to change sends no write, and a change made by someone else is put back.
 */
class ManagedObjectsIT {
  static final String NS = "team";
  static final String OWNER = "team.chat";
  static final String SCOPE = "local/team/team.chat";
  @TempDir static Path work;
  static ApiServer server;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws IOException {
    Path policy = Files.writeString(work.resolve("audit.yaml"), ApiServer.AUDIT_EVERY_REQUEST);
    server =
        ApiServer.start(
            Map.of(
                "--audit-policy-file",
                policy.toString(),
                "--audit-log-path",
                work.resolve("audit.log").toString()));
    client = server.client();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void anApplyThatWouldChangeNothingIsNotSentAndAnEditBySomeoneElseIsPutBack() {
    var lastApplied = new LastApplied();
    var desired = List.of(deployment(), routingFiles("weights: {east: 1}"));

    assertThat(applyAndCountWrites(desired, lastApplied)).isEqualTo(2);
    assertThat(applyAndCountWrites(desired, lastApplied))
        .as("writes when nothing is to change")
        .isZero();

    // Someone scales the Deployment by hand: the next reconcile puts it back, and only it.
    client.apps().deployments().inNamespace(NS).withName("chat").scale(5);
    assertThat(applyAndCountWrites(desired, lastApplied)).isEqualTo(1);
    assertThat(client.apps().deployments().inNamespace(NS).withName("chat").get())
        .extracting(d -> d.getSpec().getReplicas())
        .isEqualTo(2);

    // A changed traffic file is written; the Deployment, unchanged, is not.
    assertThat(
            applyAndCountWrites(
                List.of(deployment(), routingFiles("weights: {east: 0}")), lastApplied))
        .isEqualTo(1);

    // Another operator (a fresh process) knows nothing it applied: it applies everything once.
    assertThat(applyAndCountWrites(desired, new LastApplied())).isEqualTo(2);
  }

  /** Applies {@code desired} as a reconcile does; the patches the API server recorded for it. */
  private static long applyAndCountWrites(List<HasMetadata> desired, LastApplied lastApplied) {
    long before = patches();
    var existing = ManagedObjects.existing(client, NS, OWNER);
    ManagedObjects.apply(client, NS, OWNER, existing, desired, lastApplied, SCOPE);
    return patches() - before;
  }

  private static long patches() {
    return AuditLog.events(work.resolve("audit.log")).stream()
        .filter(event -> event.path("verb").asText().equals("patch"))
        .filter(event -> event.path("objectRef").path("namespace").asText().equals(NS))
        .count();
  }

  private static Map<String, String> labels() {
    return Map.of(ManagedLabels.OWNER_KEY, OWNER);
  }

  private static HasMetadata deployment() {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("chat")
        .withNamespace(NS)
        .withLabels(labels())
        .endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector()
        .withMatchLabels(Map.of("app", "chat"))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(Map.of("app", "chat"))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("router")
        .withImage("beast-mode:test")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static HasMetadata routingFiles(String traffic) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("chat-routing")
        .withNamespace(NS)
        .withLabels(labels())
        .endMetadata()
        .withData(Map.of("traffic.yaml", traffic))
        .build();
  }
}
