package io.beastmode.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.router.RoutingConfigWatcher.ConfigCopy;
import io.beastmode.router.RoutingConfigWatcher.Source;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing config reaches a router twice, pushed through Redis and later as mounted files; the
 * revision decides which copy is in force, so a late copy never brings back an older config.
 */
class RoutingConfigWatcherRevisionTest {
  private static final Vertx VERTX = Vertx.vertx();

  @TempDir Path dir;
  private final List<String> applied = new ArrayList<>();
  private RoutingConfigWatcher watcher;

  @AfterAll
  static void closeVertx() {
    VERTX.close();
  }

  private static String routing(String model) {
    return "router: t/r\nregion: eu\nmodels:\n- name: "
        + model
        + "\n  baseUrl: http://127.0.0.1:1\n  contextWindow: 8192\n";
  }

  private void mount(long revision, String model) throws Exception {
    Files.writeString(dir.resolve("routing.yaml"), routing(model));
    if (revision > 0) {
      Files.writeString(dir.resolve("revision"), Long.toString(revision));
    }
  }

  private String modelInForce() {
    return watcher.current().config().models().get(0).name();
  }

  @BeforeEach
  void start() throws Exception {
    mount(5, "first");
    watcher = new RoutingConfigWatcher(dir.resolve("routing.yaml"), null, null);
    watcher.load();
    watcher.watch(
        VERTX,
        3_600_000,
        table -> {},
        (ok, source) -> applied.add(source + (ok ? "" : " rejected")));
  }

  @Test
  void aNewerPushIsTakenAndTheOlderMountedFilesDoNotUndoIt() throws Exception {
    watcher.offer(new ConfigCopy(6, routing("pushed"), null, null), Source.push);
    assertThat(modelInForce()).isEqualTo("pushed");

    // The kubelet has not synced yet: the files still hold revision 5.
    watcher.check();
    assertThat(modelInForce()).isEqualTo("pushed");
    assertThat(watcher.revision()).isEqualTo(6);

    // When it syncs, the same revision changes nothing.
    mount(6, "pushed");
    watcher.check();
    assertThat(applied).containsExactly("push");
  }

  @Test
  void filesNewerThanThePushAreTakenWhenThePushIsDown() throws Exception {
    watcher.offer(new ConfigCopy(6, routing("pushed"), null, null), Source.push);
    mount(7, "from-files");
    watcher.check();
    assertThat(modelInForce()).isEqualTo("from-files");

    // A push that arrives late, for an older revision, is ignored.
    watcher.offer(new ConfigCopy(6, routing("pushed"), null, null), Source.push);
    assertThat(modelInForce()).isEqualTo("from-files");
    assertThat(applied).containsExactly("push", "file");
  }

  @Test
  void anOlderPushThanTheMountedFilesIsIgnored() {
    // Redis lost the latest push in a failover and still holds revision 4.
    watcher.offer(new ConfigCopy(4, routing("stale"), null, null), Source.push);
    assertThat(modelInForce()).isEqualTo("first");
    assertThat(applied).isEmpty();
  }

  @Test
  void aRejectedCopyKeepsTheTableButIsNotTriedAgain() throws Exception {
    watcher.offer(new ConfigCopy(6, "models: [", null, null), Source.push);
    assertThat(modelInForce()).isEqualTo("first");
    mount(6, "first");
    Files.writeString(dir.resolve("routing.yaml"), "models: [");
    watcher.check();
    assertThat(applied).containsExactly("push rejected");
  }

  @Test
  void filesWithoutARevisionAreTakenOnEveryChangeUntilAVersionedCopyArrives() throws Exception {
    Files.delete(dir.resolve("revision"));
    watcher = new RoutingConfigWatcher(dir.resolve("routing.yaml"), null, null);
    watcher.load();
    mount(0, "edited by hand");
    watcher.check();
    assertThat(modelInForce()).isEqualTo("edited by hand");

    watcher.offer(new ConfigCopy(3, routing("pushed"), null, null), Source.push);
    mount(0, "edited again");
    watcher.check();
    assertThat(modelInForce()).isEqualTo("pushed");
  }
}
