package io.beastmode.operator.fleet;

import io.beastmode.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.HttpURLConnection;
import java.util.ArrayList;
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
      List.of(
          PodDisruptionBudget.class,
          HorizontalPodAutoscaler.class,
          Service.class,
          Deployment.class,
          ConfigMap.class);

  /** KEDA's ScaledObject, created instead of an HPA where KEDA is installed. */
  public static final ResourceDefinitionContext SCALED_OBJECT =
      new ResourceDefinitionContext.Builder()
          .withGroup("keda.sh")
          .withVersion("v1alpha1")
          .withKind("ScaledObject")
          .withPlural("scaledobjects")
          .withNamespaced(true)
          .build();

  private ManagedObjects() {}

  /** The owner's objects of {@link #KINDS} in {@code namespace}, as the API server has them now. */
  public static List<HasMetadata> existing(
      KubernetesClient client, String namespace, String ownerLabel) {
    var found = new ArrayList<HasMetadata>();
    for (var kind : KINDS) {
      found.addAll(
          client
              .resources(kind)
              .inNamespace(namespace)
              .withLabel(ManagedLabels.OWNER_KEY, ownerLabel)
              .list()
              .getItems());
    }
    return found;
  }

  /**
   * Prunes the owner's objects in {@code namespace} that are no longer desired, then applies {@code
   * desired}. Pruning first means an HPA and a ScaledObject never scale the same Deployment. An
   * object still as the last apply left it, with the same desired state, is not applied again.
   *
   * @param existing the owner's objects there, from {@link #existing}
   * @param scope names the cluster and namespace in {@code lastApplied}
   * @return the objects as applied, or as listed where nothing was to change
   */
  public static List<HasMetadata> apply(
      KubernetesClient client,
      String namespace,
      String ownerLabel,
      List<HasMetadata> existing,
      List<HasMetadata> desired,
      LastApplied lastApplied,
      String scope) {
    if (existing.isEmpty()) {
      ensureNamespace(client, namespace);
    }
    Set<String> keep = desired.stream().map(ManagedObjects::key).collect(Collectors.toSet());
    existing.stream()
        .filter(object -> !keep.contains(key(object)) && ours(object))
        .forEach(
            stale -> {
              client.resource(stale).delete();
              lastApplied.forget(scope, stale);
            });
    deleteScaledObjects(client, namespace, ownerLabel, keep);
    var live =
        existing.stream().collect(Collectors.toMap(ManagedObjects::key, o -> o, (a, b) -> a));
    var applied = new ArrayList<HasMetadata>(desired.size());
    for (var object : desired) {
      var current = live.get(key(object));
      String digest = LastApplied.digest(object);
      if (lastApplied.unchanged(scope, object, digest, current)) {
        applied.add(current);
        continue;
      }
      lastApplied.forget(scope, object);
      var result = apply(client, object);
      lastApplied.record(scope, object, digest, result);
      applied.add(result);
    }
    return applied;
  }

  /** Deletes every object of the owner in {@code namespace}. */
  public static void deleteAll(KubernetesClient client, String namespace, String ownerLabel) {
    existing(client, namespace, ownerLabel).stream()
        .filter(ManagedObjects::ours)
        .forEach(object -> client.resource(object).delete());
    deleteScaledObjects(client, namespace, ownerLabel, Set.of());
  }

  private static void deleteScaledObjects(
      KubernetesClient client, String namespace, String ownerLabel, Set<String> keep) {
    scaledObjects(client, namespace, ownerLabel).stream()
        .filter(existing -> !keep.contains(key(existing)))
        .forEach(
            stale ->
                client
                    .genericKubernetesResources(SCALED_OBJECT)
                    .inNamespace(namespace)
                    .withName(stale.getMetadata().getName())
                    .delete());
  }

  /** Whether KEDA's ScaledObject kind is served by the cluster. */
  public static boolean kedaInstalled(KubernetesClient client) {
    try {
      var resources =
          client.getApiResources(SCALED_OBJECT.getGroup() + "/" + SCALED_OBJECT.getVersion());
      return resources != null
          && resources.getResources().stream()
              .anyMatch(r -> SCALED_OBJECT.getPlural().equals(r.getName()));
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** The custom metrics API's group, which an adapter such as prometheus-adapter serves. */
  public static final String CUSTOM_METRICS_GROUP = "custom.metrics.k8s.io";

  /**
   * Whether the cluster's custom metrics API lists {@code resource} (for example {@code
   * pods/<metric>}) in a version that answers now. An adapter registered but not answering serves
   * nothing.
   */
  public static boolean customMetricServed(KubernetesClient client, String resource) {
    APIGroup group;
    try {
      group = client.getApiGroup(CUSTOM_METRICS_GROUP);
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return false;
      }
      throw e;
    }
    if (group == null) {
      return false;
    }
    for (var version : group.getVersions()) {
      try {
        var resources = client.getApiResources(version.getGroupVersion());
        if (resources != null
            && resources.getResources().stream().anyMatch(r -> resource.equals(r.getName()))) {
          return true;
        }
      } catch (KubernetesClientException e) {
        // Registered but unavailable (503): the next version, or not served.
      }
    }
    return false;
  }

  private static List<GenericKubernetesResource> scaledObjects(
      KubernetesClient client, String namespace, String ownerLabel) {
    try {
      return client
          .genericKubernetesResources(SCALED_OBJECT)
          .inNamespace(namespace)
          .withLabel(ManagedLabels.OWNER_KEY, ownerLabel)
          .list()
          .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        return List.of(); // KEDA is not installed
      }
      throw e;
    }
  }

  /**
   * Objects another controller made from ours carry our labels too (KEDA copies a ScaledObject's
   * labels to the HPA it creates); those are theirs to delete.
   */
  private static boolean ours(HasMetadata object) {
    return object.getMetadata().getOwnerReferences().stream()
        .noneMatch(
            ref -> Boolean.TRUE.equals(ref.getController()) && !"LLMRouter".equals(ref.getKind()));
  }

  private static HasMetadata apply(KubernetesClient client, HasMetadata object) {
    return client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  private static void ensureNamespace(KubernetesClient client, String namespace) {
    if (client.namespaces().withName(namespace).get() != null) {
      return;
    }
    try {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
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
