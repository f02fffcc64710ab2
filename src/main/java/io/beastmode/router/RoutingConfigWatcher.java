package io.beastmode.router;

import io.beastmode.router.access.KeyRing;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfigPush;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Keeps the routing table and the key ring in step with the routing ConfigMap, which reaches the
 * router two ways: as mounted files, polled, and pushed through the region's Redis ({@link
 * RoutingConfigPushReader}), which is faster. The operator stamps each version of the ConfigMap
 * with a revision; a copy is taken only if its revision is newer than the one in force, so the
 * kubelet's late copy of the files never brings back an older config the push already replaced.
 * Files without a revision (written by hand) are taken whenever they change, as long as no
 * versioned copy has been.
 *
 * <p>Files are polled rather than watched for file events: Kubernetes updates a mounted ConfigMap
 * by swapping a symlink, which file watchers miss. A routing file that does not parse is rejected
 * and the last good table stays in service. The keys file, when one is named, is judged on its own:
 * one that does not parse leaves the last good key ring in service, and one that is missing admits
 * no key (fail closed). Without a keys file named, access is open.
 */
final class RoutingConfigWatcher {
  private static final Logger LOG = Logger.getLogger(RoutingConfigWatcher.class);

  /** Where a copy of the config came from. */
  enum Source {
    file,
    push
  }

  /** One copy of the ConfigMap's files; {@code revision} 0 when it carries none. */
  record ConfigCopy(long revision, String routing, String traffic, String keys) {}

  private final Path routing;
  private final Path traffic;
  private final Path keys;
  private final Path revisionFile;
  private final AtomicReference<RoutingTable> current = new AtomicReference<>();
  private final AtomicReference<KeyRing> keyRing = new AtomicReference<>();
  private Consumer<RoutingTable> onChange = table -> {};
  private Reloads onReload = (applied, source) -> {};

  /** Written under the lock; read without it by the push reader on its event loop. */
  private volatile long revision;

  private String lastRouting;
  private String lastTraffic;
  private boolean keysSeen;
  private String lastKeys;

  /** Learns whether a changed config was applied or rejected, and from which source. */
  interface Reloads {
    void reloaded(boolean applied, Source source);
  }

  /**
   * @param keys the keys file, or null for open access
   */
  RoutingConfigWatcher(Path routing, Path traffic, Path keys) {
    this.routing = routing;
    this.traffic = traffic;
    this.keys = keys;
    // The ConfigMap's files are mounted side by side.
    this.revisionFile = routing.resolveSibling(RoutingConfigPush.REVISION);
    keyRing.set(keys == null ? KeyRing.OPEN : KeyRing.CLOSED);
  }

  /**
   * Starts polling the files: {@code onChange} sees each new table before any request can, {@code
   * onReload} learns whether a changed config was applied or rejected.
   */
  void watch(Vertx vertx, long periodMillis, Consumer<RoutingTable> onChange, Reloads onReload) {
    this.onChange = onChange;
    this.onReload = onReload;
    vertx.setPeriodic(
        periodMillis,
        id ->
            vertx.executeBlocking(
                () -> {
                  check();
                  return null;
                },
                false));
  }

  /** Loads the files once; a router does not start on a config it cannot read. */
  synchronized RoutingTable load() {
    ConfigCopy files = readFiles();
    try {
      install(RoutingTable.parse(files.routing(), files.traffic()), files);
    } catch (Exception e) {
      throw new IllegalStateException(
          "routing config " + routing + " is not valid: " + e.getMessage(), e);
    }
    applyKeys(files.keys(), null);
    revision = files.revision();
    return current.get();
  }

  RoutingTable current() {
    return current.get();
  }

  /** The key ring in service; a request keeps the one it started with. */
  KeyRing keys() {
    return keyRing.get();
  }

  /** The revision of the config in force; 0 when it came from files without one. */
  long revision() {
    return revision;
  }

  /** Re-reads the mounted files and takes them if they are newer than the config in force. */
  void check() {
    ConfigCopy files;
    try {
      files = readFiles();
    } catch (UncheckedIOException e) {
      LOG.warnf(
          "routing config not readable, keeping version %s: %s",
          current.get().version(), e.getMessage());
      return;
    }
    offer(files, Source.file);
  }

  /**
   * Takes a copy of the config if it is newer than the one in force: its routing table and its key
   * ring, each only if changed and valid.
   */
  synchronized void offer(ConfigCopy files, Source source) {
    boolean versioned = files.revision() > 0;
    if (versioned ? files.revision() <= revision : revision > 0) {
      return;
    }
    if (keys != null && (source == Source.file || files.keys() != null)) {
      applyKeys(files.keys(), source);
    }
    applyRouting(files, source);
    revision = Math.max(revision, files.revision());
  }

  private void applyRouting(ConfigCopy files, Source source) {
    if (files.routing().equals(lastRouting) && Objects.equals(files.traffic(), lastTraffic)) {
      return;
    }
    try {
      RoutingTable next = RoutingTable.parse(files.routing(), files.traffic());
      install(next, files);
      LOG.infof(
          "routing config version %s applied (revision %d, from the %s)",
          next.version(), files.revision(), source);
      onReload.reloaded(true, source);
    } catch (Exception e) {
      // Remember the bad content so it is reported once, not every second.
      lastRouting = files.routing();
      lastTraffic = files.traffic();
      LOG.errorf(
          "routing config rejected (revision %d, from the %s), keeping version %s: %s",
          files.revision(), source, current.get().version(), e.getMessage());
      onReload.reloaded(false, source);
    }
  }

  /**
   * Swaps the key ring when the keys file changed and parses. A file that does not parse keeps the
   * last good ring (the closed one when there never was a good one).
   *
   * @param source null while loading, when nothing is reported
   */
  private void applyKeys(String keysYaml, Source source) {
    if (keys == null || (keysSeen && Objects.equals(keysYaml, lastKeys))) {
      return;
    }
    keysSeen = true;
    lastKeys = keysYaml;
    try {
      KeyRing next =
          keysYaml == null
              ? KeyRing.CLOSED
              : KeyRing.of(ConfigYaml.read(keysYaml, AccessConfig.class));
      keyRing.set(next);
      if (keysYaml == null) {
        LOG.warnf("keys file %s is missing: no key is accepted", keys);
      } else {
        LOG.infof(
            "keys file version %s applied: mode %s, %d keys",
            ConfigYaml.version(keysYaml), next.mode(), next.size());
      }
      if (source != null) {
        onReload.reloaded(true, source);
      }
    } catch (Exception e) {
      LOG.errorf(
          "keys file %s rejected, keeping the key ring in service (%s): %s",
          keys, keyRing.get(), e.getMessage());
      if (source != null) {
        onReload.reloaded(false, source);
      }
    }
  }

  private void install(RoutingTable table, ConfigCopy files) {
    onChange.accept(table);
    current.set(table);
    lastRouting = files.routing();
    lastTraffic = files.traffic();
  }

  /**
   * The mounted files as one copy. The kubelet swaps all of a ConfigMap's files at once; reading
   * the revision before and after the files tells a read that straddled a swap, which is read
   * again.
   */
  private ConfigCopy readFiles() {
    while (true) {
      long before = readRevision();
      var files =
          new ConfigCopy(
              before,
              read(routing),
              traffic == null || !Files.exists(traffic) ? null : read(traffic),
              keys == null || !Files.exists(keys) ? null : read(keys));
      if (readRevision() == before) {
        return files;
      }
    }
  }

  private long readRevision() {
    if (!Files.exists(revisionFile)) {
      return 0;
    }
    try {
      return Long.parseLong(read(revisionFile).trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
