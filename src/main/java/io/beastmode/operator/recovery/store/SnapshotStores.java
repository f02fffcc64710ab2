package io.beastmode.operator.recovery.store;

import io.beastmode.api.v1alpha1.BackupTarget;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.SecretKeyReference;
import io.beastmode.operator.fleet.RegionClients;
import io.beastmode.operator.recovery.snapshot.SnapshotKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Opens the store a BackupTarget names, and reads the key snapshots are sealed with, for the
 * namespace of the object that names them.
 */
public final class SnapshotStores {
  static final String ACCESS_KEY_ID = "accessKeyId";
  static final String SECRET_ACCESS_KEY = "secretAccessKey";

  private final KubernetesClient hub;
  private final RegionClients regions;

  public SnapshotStores(KubernetesClient hub, RegionClients regions) {
    this.hub = hub;
    this.regions = regions;
  }

  /**
   * A Region target keeps snapshots in Secrets of the same namespace in that Region's cluster; an
   * S3 target in its bucket, with credentials from a Secret of {@code namespace}.
   */
  public SnapshotStore open(BackupTarget target, String namespace)
      throws SnapshotStore.Unavailable {
    try {
      if (target.region != null) {
        Region region = hub.resources(Region.class).withName(target.region).get();
        if (region == null) {
          throw new SnapshotStore.Unavailable("there is no Region " + target.region, null);
        }
        KubernetesClient cluster =
            regions
                .clientFor(region)
                .orElseThrow(
                    () ->
                        new SnapshotStore.Unavailable(
                            "region " + target.region + " has no usable kubeconfig", null));
        return new RegionSecretStore(cluster, namespace, target.region);
      }
      String name = target.s3.credentialsSecretRef.name;
      Secret credentials = hub.secrets().inNamespace(namespace).withName(name).get();
      String id = value(credentials, ACCESS_KEY_ID);
      String secret = value(credentials, SECRET_ACCESS_KEY);
      if (id == null || secret == null) {
        throw new SnapshotStore.Unavailable(
            "Secret "
                + namespace
                + "/"
                + name
                + " needs the keys "
                + ACCESS_KEY_ID
                + " and "
                + SECRET_ACCESS_KEY,
            null);
      }
      return S3SnapshotStore.of(target.s3, id, secret);
    } catch (KubernetesClientException e) {
      throw new SnapshotStore.Unavailable("the hub's API server: " + e.getMessage(), e);
    }
  }

  /** The encryption key {@code ref} names; empty while its Secret or key does not exist. */
  public Optional<SnapshotKey> key(String namespace, SecretKeyReference ref)
      throws SnapshotKey.Invalid {
    Secret secret = hub.secrets().inNamespace(namespace).withName(ref.name).get();
    String data = secret == null || secret.getData() == null ? null : secret.getData().get(ref.key);
    return data == null ? Optional.empty() : Optional.of(SnapshotKey.fromSecretData(data));
  }

  /** What a missing key is called in status and Events. */
  public static String missingKey(String namespace, SecretKeyReference ref) {
    return "no key " + ref.key + " in Secret " + ref.name + " of namespace " + namespace;
  }

  private static String value(Secret secret, String key) {
    if (secret == null || secret.getData() == null || secret.getData().get(key) == null) {
      return null;
    }
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
