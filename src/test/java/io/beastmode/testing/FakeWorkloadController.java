package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;

/**
 * Plays kubelet and the Deployment controller for tests, where no kubelet runs: every Deployment
 * becomes available with all its replicas, as a healthy cluster would report it.
 */
public final class FakeWorkloadController implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> informer;
  private volatile boolean paused;

  public FakeWorkloadController(KubernetesClient client) {
    this.client = client;
    this.informer =
        client.apps().deployments().inAnyNamespace().inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(Deployment deployment) {
                markAvailable(deployment);
              }

              @Override
              public void onUpdate(Deployment old, Deployment deployment) {
                markAvailable(deployment);
              }

              @Override
              public void onDelete(Deployment deployment, boolean unknownFinalState) {}
            });
  }

  /** While paused, Deployments are left as they are: their pods "do not start". */
  public void pause(boolean paused) {
    this.paused = paused;
  }

  private void markAvailable(Deployment deployment) {
    if (paused) {
      return;
    }
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    DeploymentStatus wanted =
        new DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withConditions(
                new DeploymentConditionBuilder().withType("Available").withStatus("True").withReason("MinimumReplicasAvailable").build())
            .build();
    var current = deployment.getStatus();
    if (current != null
        && Objects.equals(current.getObservedGeneration(), wanted.getObservedGeneration())
        && Objects.equals(current.getReadyReplicas(), wanted.getReadyReplicas())) {
      return;
    }
    deployment.setStatus(wanted);
    try {
      client.apps().deployments().resource(deployment).updateStatus();
    } catch (KubernetesClientException e) {
      // A newer version exists; its own update event brings it back here.
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
