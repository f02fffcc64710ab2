package io.beastmode.operator.recovery;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/** What backups and restores share: which objects a restore holds, and who this cluster is. */
public final class Restores {
  private Restores() {}

  /** Whether a restore is creating {@code object}: its controller leaves it alone until then. */
  public static boolean held(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(BackupPolicy.RESTORING_ANNOTATION);
  }

  /**
   * This cluster's identity: the uid of its kube-system namespace, which lives as long as the
   * cluster and is new in a new one.
   */
  static String clusterId(KubernetesClient hub) throws SnapshotStore.Unavailable {
    Namespace system = hub.namespaces().withName("kube-system").get();
    if (system == null) {
      throw new SnapshotStore.Unavailable(
          "this cluster has no kube-system namespace to take its identity from", null);
    }
    return system.getMetadata().getUid();
  }
}
