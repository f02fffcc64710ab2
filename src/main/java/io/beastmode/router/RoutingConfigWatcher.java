package io.beastmode.router;

import io.beastmode.router.access.KeyRing;
import io.beastmode.wire.AccessConfig;
import io.beastmode.wire.ConfigYaml;
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
 * Keeps the routing table in step with the routing and traffic files. Polls their content rather
 * than watching for file events: Kubernetes updates a mounted ConfigMap by swapping a symlink,
 * which file watchers miss. A file that does not parse is rejected and the last good table stays in
 * service.
 *
 * <p>The keys file, when one is named, is watched alike but on its own: a keys file that does not
 * parse leaves the last good key ring in service, and one that is missing admits no key (fail
 * closed). Without a keys file named, access is open.
 */
final class RoutingConfigWatcher {
  private static final Logger LOG = Logger.getLogger(RoutingConfigWatcher.class);

  private final Path routing;
  private final Path traffic;
  private final Path keys;
  private final AtomicReference<RoutingTable> current = new AtomicReference<>();
  private final AtomicReference<KeyRing> keyRing = new AtomicReference<>();
  private Consumer<RoutingTable> onChange = table -> {};
  private Consumer<Boolean> onReload = applied -> {};
  private String lastRouting;
  private String lastTraffic;
  private boolean keysSeen;
  private String lastKeys;

  /**
   * @param keys the keys file, or null for open access
   */
  RoutingConfigWatcher(Path routing, Path traffic, Path keys) {
    this.routing = routing;
    this.traffic = traffic;
    this.keys = keys;
    keyRing.set(keys == null ? KeyRing.OPEN : KeyRing.CLOSED);
  }

  /**
   * Starts watching: {@code onChange} sees each new table before any request can, {@code onReload}
   * learns whether a changed file was applied or rejected.
   */
  void watch(
      Vertx vertx, long periodMillis, Consumer<RoutingTable> onChange, Consumer<Boolean> onReload) {
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
  RoutingTable load() {
    String routingYaml = read(routing);
    String trafficYaml = traffic == null || !Files.exists(traffic) ? null : read(traffic);
    try {
      install(RoutingTable.parse(routingYaml, trafficYaml), routingYaml, trafficYaml);
    } catch (Exception e) {
      throw new IllegalStateException(
          "routing config " + routing + " is not valid: " + e.getMessage(), e);
    }
    checkKeys(false);
    return current.get();
  }

  RoutingTable current() {
    return current.get();
  }

  /** The key ring in service; a request keeps the one it started with. */
  KeyRing keys() {
    return keyRing.get();
  }

  /** Re-reads the files and swaps the table or the key ring when a file changed and parses. */
  synchronized void check() {
    checkKeys(true);
    checkRouting();
  }

  private void checkRouting() {
    String routingYaml;
    String trafficYaml;
    try {
      routingYaml = read(routing);
      trafficYaml = traffic == null || !Files.exists(traffic) ? null : read(traffic);
    } catch (UncheckedIOException e) {
      LOG.warnf(
          "routing config not readable, keeping version %s: %s",
          current.get().version(), e.getMessage());
      return;
    }
    if (routingYaml.equals(lastRouting) && Objects.equals(trafficYaml, lastTraffic)) {
      return;
    }
    try {
      RoutingTable next = RoutingTable.parse(routingYaml, trafficYaml);
      install(next, routingYaml, trafficYaml);
      LOG.infof("routing config version %s applied", next.version());
      onReload.accept(true);
    } catch (Exception e) {
      // Remember the bad content so it is reported once, not every second.
      lastRouting = routingYaml;
      lastTraffic = trafficYaml;
      LOG.errorf(
          "routing config rejected, keeping version %s: %s",
          current.get().version(), e.getMessage());
      onReload.accept(false);
    }
  }

  /**
   * Re-reads the keys file and swaps the key ring when it changed and parses. A file that does not
   * parse keeps the last good ring (the closed one when there never was a good one).
   */
  private void checkKeys(boolean report) {
    if (keys == null) {
      return;
    }
    String keysYaml;
    try {
      keysYaml = Files.exists(keys) ? read(keys) : null;
    } catch (UncheckedIOException e) {
      LOG.warnf("keys file not readable, keeping the key ring in service: %s", e.getMessage());
      return;
    }
    if (keysSeen && Objects.equals(keysYaml, lastKeys)) {
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
      if (report) {
        onReload.accept(true);
      }
    } catch (Exception e) {
      LOG.errorf(
          "keys file %s rejected, keeping the key ring in service (%s): %s",
          keys, keyRing.get(), e.getMessage());
      if (report) {
        onReload.accept(false);
      }
    }
  }

  private void install(RoutingTable table, String routingYaml, String trafficYaml) {
    onChange.accept(table);
    current.set(table);
    lastRouting = routingYaml;
    lastTraffic = trafficYaml;
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
