package io.beastmode.operator.recovery.store;

import io.beastmode.operator.CallFailures;
import io.beastmode.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecretList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Snapshots kept in Secrets of a namespace of a Region's cluster. A Secret holds at most 1 MiB, so
 * a snapshot is split into chunk Secrets ({@link SnapshotChunks}: each carries the whole's SHA-256,
 * its index and the total); an index Secret, written last, says how many there are, so a snapshot
 * is listed only once every chunk is written, and one with a chunk missing or altered is reported
 * as missing rather than returned.
 *
 * <pre>
 * snapshot-NAME        index: chunks, size              label beastmode.io/snapshot-part=index
 * snapshot-NAME-0..n-1 the chunks                       label beastmode.io/snapshot-part=chunk
 * snapshot-owner       the cluster whose snapshots these are
 * </pre>
 */
public final class RegionSecretStore implements SnapshotStore {
  /** Under the 1 MiB object limit with room for metadata; Secrets keep bytes as given. */
  static final int CHUNK_BYTES = 768 * 1024;

  static final String PART_KEY = "beastmode.io/snapshot-part";
  static final String SNAPSHOT_KEY = "beastmode.io/snapshot";
  private static final String COMPONENT = "snapshot";
  private static final String OWNER_SECRET = "snapshot-owner";

  private final KubernetesClient cluster;
  private final String namespace;
  private final String where;

  /**
   * @param region the Region's name, for messages
   */
  public RegionSecretStore(KubernetesClient cluster, String namespace, String region) {
    this.cluster = cluster;
    this.namespace = namespace;
    this.where = "region " + region + ", namespace " + namespace;
  }

  @Override
  public void put(String name, byte[] sealed) throws Unavailable {
    List<byte[]> chunks = SnapshotChunks.split(sealed, CHUNK_BYTES);
    try {
      for (int i = 0; i < chunks.size(); i++) {
        apply(secret(chunkName(name, i), name, "chunk", Map.of("chunk", chunks.get(i))));
      }
      apply(
          secret(
              indexName(name),
              name,
              "index",
              Map.of(
                  "chunks", bytes(Integer.toString(chunks.size())),
                  "size", bytes(Integer.toString(sealed.length)))));
    } catch (KubernetesClientException e) {
      throw unavailable("writing snapshot " + name, e);
    }
  }

  @Override
  public byte[] get(String name) throws Unavailable, Missing {
    try {
      Secret index = secrets().withName(indexName(name)).get();
      if (index == null) {
        throw new Missing("no snapshot " + name + " in " + where);
      }
      int total = Integer.parseInt(text(index, "chunks"));
      var chunks = new ArrayList<byte[]>(total);
      for (int i = 0; i < total; i++) {
        Secret chunk = secrets().withName(chunkName(name, i)).get();
        if (chunk == null || chunk.getData() == null || !chunk.getData().containsKey("chunk")) {
          throw new Missing(
              "snapshot " + name + " in " + where + " lacks chunk " + (i + 1) + " of " + total);
        }
        chunks.add(Base64.getDecoder().decode(chunk.getData().get("chunk")));
      }
      try {
        return SnapshotChunks.join(chunks);
      } catch (Missing e) {
        throw new Missing("snapshot " + name + " in " + where + ": " + e.getMessage());
      }
    } catch (KubernetesClientException e) {
      throw unavailable("reading snapshot " + name, e);
    }
  }

  @Override
  public List<Stored> list() throws Unavailable {
    try {
      var stored = new ArrayList<Stored>();
      for (Secret index : secrets().withLabel(PART_KEY, "index").list().getItems()) {
        stored.add(
            new Stored(
                index.getMetadata().getLabels().get(SNAPSHOT_KEY),
                Long.parseLong(text(index, "size"))));
      }
      stored.sort(Comparator.comparing(Stored::name).reversed());
      return stored;
    } catch (KubernetesClientException e) {
      throw unavailable("listing snapshots", e);
    }
  }

  @Override
  public void delete(String name) throws Unavailable {
    try {
      // The index first: from then on the snapshot is not listed, whatever of it remains.
      secrets().withName(indexName(name)).delete();
      secrets().withLabel(SNAPSHOT_KEY, name).delete();
    } catch (KubernetesClientException e) {
      throw unavailable("deleting snapshot " + name, e);
    }
  }

  @Override
  public String owner() throws Unavailable {
    try {
      Secret owner = secrets().withName(OWNER_SECRET).get();
      return owner == null ? null : text(owner, "cluster");
    } catch (KubernetesClientException e) {
      throw unavailable("reading the store's owner", e);
    }
  }

  @Override
  public void claim(String clusterId) throws Unavailable {
    try {
      apply(secret(OWNER_SECRET, null, "owner", Map.of("cluster", bytes(clusterId))));
    } catch (KubernetesClientException e) {
      throw unavailable("claiming the store", e);
    }
  }

  private NonNamespaceOperation<Secret, SecretList, Resource<Secret>> secrets() {
    return cluster.secrets().inNamespace(namespace);
  }

  private void apply(Secret secret) {
    cluster.resource(secret).inNamespace(namespace).forceConflicts().serverSideApply();
  }

  private Secret secret(String name, String snapshot, String part, Map<String, byte[]> data) {
    var labels =
        new HashMap<>(
            Map.of(
                ManagedLabels.MANAGED_BY_KEY,
                ManagedLabels.MANAGED_BY,
                ManagedLabels.COMPONENT_KEY,
                COMPONENT,
                PART_KEY,
                part));
    if (snapshot != null) {
      labels.put(SNAPSHOT_KEY, snapshot);
    }
    var encoded = new HashMap<String, String>();
    data.forEach((key, value) -> encoded.put(key, Base64.getEncoder().encodeToString(value)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withType("Opaque")
        .withData(encoded)
        .build();
  }

  private Unavailable unavailable(String what, KubernetesClientException e) {
    return new Unavailable(what + " in " + where + " failed: " + CallFailures.describe(e), e);
  }

  public static String indexName(String snapshot) {
    return "snapshot-" + snapshot;
  }

  public static String chunkName(String snapshot, int index) {
    return "snapshot-" + snapshot + "-" + index;
  }

  private static String text(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
