package io.beastmode.operator.recovery.restore;

import io.beastmode.operator.recovery.store.SnapshotStore;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Who this cluster is, as backups and restores name it. */
public final class Restores {
  private Restores() {}

  /**
   * This cluster's identity: the uid of its kube-system namespace, which lives as long as the
   * cluster and is new in a new one.
   */
  public static String clusterId(KubernetesClient hub) throws SnapshotStore.Unavailable {
    Namespace system = hub.namespaces().withName("kube-system").get();
    if (system == null) {
      throw new SnapshotStore.Unavailable(
          "this cluster has no kube-system namespace to take its identity from", null);
    }
    return system.getMetadata().getUid();
  }
}
