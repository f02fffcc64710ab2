package io.beastmode.fleet;

import io.beastmode.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies an owner's desired objects to one cluster by server-side apply with a single field
 * manager, and deletes the owner's objects that are no longer desired.
 */
public final class ManagedObjects {
  public static final String FIELD_MANAGER = "beast-mode-operator";

  /** Every kind the operator creates for a router, in the order they are pruned. */
  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(PodDisruptionBudget.class, HorizontalPodAutoscaler.class, Service.class, Deployment.class, ConfigMap.class);

  private ManagedObjects() {}

  /** Applies {@code desired} and prunes the owner's other objects in {@code namespace}. */
  public static List<HasMetadata> apply(KubernetesClient client, String namespace, String ownerLabel, List<HasMetadata> desired) {
    ensureNamespace(client, namespace);
    var applied = desired.stream().map(object -> apply(client, object)).toList();
    Set<String> keep = desired.stream().map(ManagedObjects::key).collect(Collectors.toSet());
    for (var kind : KINDS) {
      client.resources(kind).inNamespace(namespace).withLabel(ManagedLabels.OWNER_KEY, ownerLabel).list().getItems().stream()
          .filter(existing -> !keep.contains(key(existing)))
          .forEach(stale -> client.resource(stale).delete());
    }
    return applied;
  }

  /** Deletes every object of the owner in {@code namespace}. */
  public static void deleteAll(KubernetesClient client, String namespace, String ownerLabel) {
    for (var kind : KINDS) {
      client.resources(kind).inNamespace(namespace).withLabel(ManagedLabels.OWNER_KEY, ownerLabel).delete();
    }
  }

  private static HasMetadata apply(KubernetesClient client, HasMetadata object) {
    return client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  private static void ensureNamespace(KubernetesClient client, String namespace) {
    if (client.namespaces().withName(namespace).get() != null) {
      return;
    }
    try {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  private static String key(HasMetadata object) {
    return object.getKind() + "/" + object.getMetadata().getName();
  }
}
