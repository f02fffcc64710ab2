package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.router.access.PresentedKey;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Digests;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the config watcher follows the keys file: open without one, closed when it is missing. */
class RoutingConfigWatcherKeysTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final PresentedKey KEY = new PresentedKey("x-api-key", "sk-1", "sk-1");

  @TempDir Path dir;

  private Path routing() throws Exception {
    Path routing = dir.resolve("routing.yaml");
    Files.writeString(
        routing,
        "router: t/r\nregion: eu\nmodels:\n- name: m\n  baseUrl: http://127.0.0.1:1\n  contextWindow: 8192\n");
    return routing;
  }

  private static String keysFile() {
    return ConfigYaml.write(
        new AccessConfig(
            AccessMode.keys,
            List.of(
                new AccessConfig.Key("a/b", Digests.sha256Hex("sk-1"), "acme", null, null, null))));
  }

  private static boolean admits(RoutingConfigWatcher watcher) {
    return !watcher.keys().admit(KEY, NOW).refused();
  }

  @Test
  void withoutAKeysFileAccessIsOpen() throws Exception {
    RoutingConfigWatcher watcher = new RoutingConfigWatcher(routing(), null, null);
    watcher.load();

    assertThat(watcher.keys().mode()).isEqualTo(AccessMode.open);
    assertThat(watcher.keys().admit(null, NOW).refused()).isFalse();
  }

  @Test
  void aNamedKeysFileThatIsMissingAdmitsNoKey() throws Exception {
    Path keys = dir.resolve("keys.yaml");
    RoutingConfigWatcher watcher = new RoutingConfigWatcher(routing(), null, keys);
    watcher.load();

    assertThat(watcher.keys().mode()).isEqualTo(AccessMode.keys);
    assertThat(admits(watcher)).isFalse();
    assertThat(watcher.keys().admit(null, NOW).refused()).isTrue();

    Files.writeString(keys, keysFile());
    watcher.check();
    assertThat(admits(watcher)).isTrue();

    Files.delete(keys);
    watcher.check();
    assertThat(admits(watcher)).as("a keys file that goes away fails closed").isFalse();
  }

  @Test
  void aKeysFileThatDoesNotParseKeepsTheLastGoodRingAndIsReportedOnce() throws Exception {
    Path keys = dir.resolve("keys.yaml");
    Files.writeString(keys, keysFile());
    RoutingConfigWatcher watcher = new RoutingConfigWatcher(routing(), null, keys);
    watcher.load();
    List<Boolean> reloads = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      // An hour between checks: the test checks by hand.
      watcher.watch(vertx, 3_600_000, table -> {}, (applied, source) -> reloads.add(applied));
      assertThat(admits(watcher)).isTrue();

      Files.writeString(keys, "mode: [keys\n");
      watcher.check();
      watcher.check();
      assertThat(admits(watcher)).isTrue();
      assertThat(reloads).containsExactly(false);

      Files.writeString(keys, "mode: keys\nkeys: []\n");
      watcher.check();
      assertThat(admits(watcher)).isFalse();
      assertThat(reloads).containsExactly(false, true);
    } finally {
      vertx.close();
    }
  }

  @Test
  void aKeysFileThatDoesNotParseAtStartAdmitsNoKey() throws Exception {
    Path keys = dir.resolve("keys.yaml");
    Files.writeString(keys, "keys: {{{\n");
    RoutingConfigWatcher watcher = new RoutingConfigWatcher(routing(), null, keys);
    watcher.load();

    assertThat(admits(watcher)).isFalse();
    assertThat(watcher.keys().admit(null, NOW).refused()).isTrue();
  }
}
