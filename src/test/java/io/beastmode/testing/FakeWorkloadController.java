package io.beastmode.testing;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Plays kubelet, the Deployment controller and an idle HorizontalPodAutoscaler controller for
 * tests, where none runs: a Deployment an autoscaler targets is scaled to the autoscaler's minimum
 * (no load, so that is where a real one settles), and every Deployment becomes available with all
 * its replicas, as a healthy cluster would report it.
 */
public final class FakeWorkloadController implements AutoCloseable {
  private final KubernetesClient client;
  private final SharedIndexInformer<Deployment> informer;
  private final SharedIndexInformer<HorizontalPodAutoscaler> autoscalers;
  private volatile boolean paused;

  public FakeWorkloadController(KubernetesClient client) {
    this.client = client;
    this.informer =
        client.apps().deployments().inAnyNamespace().inform(onAddOrUpdate(this::markAvailable));
    this.autoscalers =
        client
            .autoscaling()
            .v2()
            .horizontalPodAutoscalers()
            .inAnyNamespace()
            .inform(onAddOrUpdate(this::scaleToMinimum));
  }

  private static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> action) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        action.accept(object);
      }

      @Override
      public void onUpdate(T old, T object) {
        action.accept(object);
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {}
    };
  }

  private void scaleToMinimum(HorizontalPodAutoscaler autoscaler) {
    Integer min = autoscaler.getSpec().getMinReplicas();
    var target =
        client
            .apps()
            .deployments()
            .inNamespace(autoscaler.getMetadata().getNamespace())
            .withName(autoscaler.getSpec().getScaleTargetRef().getName());
    try {
      var deployment = target.get();
      if (min != null && deployment != null && !min.equals(deployment.getSpec().getReplicas())) {
        target.scale(min);
      }
    } catch (KubernetesClientException e) {
      // The Deployment is not there yet: its creation scales it through the autoscaler lookup
      // below.
    }
  }

  /** While paused, Deployments are left as they are: their pods "do not start". */
  public void pause(boolean paused) {
    this.paused = paused;
  }

  private void markAvailable(Deployment deployment) {
    if (paused) {
      return;
    }
    if (deployment.getSpec().getReplicas() == null) {
      var autoscaler =
          client
              .autoscaling()
              .v2()
              .horizontalPodAutoscalers()
              .inNamespace(deployment.getMetadata().getNamespace())
              .withName(deployment.getMetadata().getName())
              .get();
      if (autoscaler != null) {
        scaleToMinimum(autoscaler);
        return;
      }
    }
    int replicas =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    DeploymentStatus wanted =
        new DeploymentStatusBuilder()
            .withObservedGeneration(deployment.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withConditions(
                new DeploymentConditionBuilder()
                    .withType("Available")
                    .withStatus("True")
                    .withReason("MinimumReplicasAvailable")
                    .build())
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
    autoscalers.close();
  }
}
