package io.beastmode.operator.recovery.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.beastmode.testing.ApiServer;
import io.beastmode.testing.Ports;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Snapshots in chunked Secrets of a member cluster's namespace, on a real API server. */
class RegionSecretStoreIT {
  static final String NS = "backups";
  static ApiServer server;
  static KubernetesClient client;
  static RegionSecretStore store;

  @BeforeAll
  static void start() {
    server = ApiServer.start();
    client = server.client();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    store = new RegionSecretStore(client, NS, "us-east");
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  @BeforeEach
  void empty() throws Exception {
    for (var stored : store.list()) {
      store.delete(stored.name());
    }
  }

  @Test
  void aSnapshotOverTheSecretSizeLimitComesBackWholeFromItsChunks() throws Exception {
    byte[] sealed = random(2_500_000);

    store.put("nightly-20261127t010000z", sealed);

    assertThat(
            client
                .secrets()
                .inNamespace(NS)
                .withLabels(
                    Map.of(
                        RegionSecretStore.SNAPSHOT_KEY,
                        "nightly-20261127t010000z",
                        RegionSecretStore.PART_KEY,
                        "chunk"))
                .list()
                .getItems())
        .as("2.5 MB in chunks of 768 KiB")
        .hasSize(4);
    assertThat(store.get("nightly-20261127t010000z")).isEqualTo(sealed);
    assertThat(store.list())
        .containsExactly(new SnapshotStore.Stored("nightly-20261127t010000z", 2_500_000));
  }

  @Test
  void snapshotsAreListedNewestFirstAndDeletedWhole() throws Exception {
    store.put("nightly-20261126t010000z", random(10));
    store.put("nightly-20261127t010000z", random(900_000));
    store.put("nightly-20261125t010000z", random(10));

    assertThat(store.list())
        .extracting(SnapshotStore.Stored::name)
        .containsExactly(
            "nightly-20261127t010000z", "nightly-20261126t010000z", "nightly-20261125t010000z");
    store.delete("nightly-20261127t010000z");
    store.delete("nightly-20261127t010000z");
    assertThat(store.list()).hasSize(2);
    assertThat(
            client
                .secrets()
                .inNamespace(NS)
                .withLabel(RegionSecretStore.SNAPSHOT_KEY, "nightly-20261127t010000z")
                .list()
                .getItems())
        .isEmpty();
  }

  @Test
  void aSnapshotWithAChunkMissingOrChangedIsMissingNotReturned() throws Exception {
    store.put("nightly-20261127t020000z", random(2_000_000));
    client
        .secrets()
        .inNamespace(NS)
        .withName(RegionSecretStore.chunkName("nightly-20261127t020000z", 1))
        .delete();

    assertThatThrownBy(() -> store.get("nightly-20261127t020000z"))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessageContaining("lacks chunk 2 of 3");

    store.put("nightly-20261127t030000z", random(2_000_000));
    client
        .secrets()
        .inNamespace(NS)
        .withName(RegionSecretStore.chunkName("nightly-20261127t030000z", 2))
        .edit(
            s -> {
              s.setData(Map.of("chunk", Base64.getEncoder().encodeToString(random(100))));
              return s;
            });
    assertThatThrownBy(() -> store.get("nightly-20261127t030000z"))
        .isInstanceOf(SnapshotStore.Missing.class)
        .hasMessageContaining("is not a snapshot chunk");
  }

  @Test
  void aSnapshotIsNotListedUntilItsIndexIsWritten() throws Exception {
    // What a writer that died before the index leaves: chunks only.
    store.put("nightly-20261127t040000z", random(10));
    client
        .secrets()
        .inNamespace(NS)
        .withName(RegionSecretStore.indexName("nightly-20261127t040000z"))
        .delete();

    assertThat(store.list()).isEmpty();
    assertThatThrownBy(() -> store.get("nightly-20261127t040000z"))
        .isInstanceOf(SnapshotStore.Missing.class);
  }

  @Test
  void theStoreNamesTheClusterWhoseSnapshotsItHolds() throws Exception {
    assertThat(new RegionSecretStore(client, "default", "us-east").owner()).isNull();
    store.claim("hub-a");
    assertThat(store.owner()).isEqualTo("hub-a");
  }

  @Test
  void anUnreachableClusterIsUnavailable() {
    var gone =
        new KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:" + Ports.free())
                    .withRequestRetryBackoffLimit(0)
                    .withConnectionTimeout(1000)
                    .build())
            .build();
    try {
      var unreachable = new RegionSecretStore(gone, NS, "eu-west");
      assertThatThrownBy(unreachable::list)
          .isInstanceOf(SnapshotStore.Unavailable.class)
          .hasMessageContaining("region eu-west");
      assertThatThrownBy(() -> unreachable.put("x-20261127t000000z", random(10)))
          .isInstanceOf(SnapshotStore.Unavailable.class);
    } finally {
      gone.close();
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
