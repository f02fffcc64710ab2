package io.beastmode.router;

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
 */
final class RoutingConfigWatcher {
  private static final Logger LOG = Logger.getLogger(RoutingConfigWatcher.class);

  private final Path routing;
  private final Path traffic;
  private final AtomicReference<RoutingTable> current = new AtomicReference<>();
  private Consumer<RoutingTable> onChange = table -> {};
  private Consumer<Boolean> onReload = applied -> {};
  private String lastRouting;
  private String lastTraffic;

  RoutingConfigWatcher(Path routing, Path traffic) {
    this.routing = routing;
    this.traffic = traffic;
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
    return current.get();
  }

  RoutingTable current() {
    return current.get();
  }

  /** Re-reads both files and swaps the table when either changed and parses. */
  synchronized void check() {
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
