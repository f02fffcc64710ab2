package io.beastmode.router.upstream;

import io.beastmode.router.RoutingTable;
import io.beastmode.router.select.BackendView;
import io.beastmode.wire.ModelRoute;
import io.beastmode.wire.TrafficConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The backends of the current routing table: one per model, one per peer region. A reload keeps
 * every backend whose settings did not change, so circuit states and latency averages survive
 * config changes that do not concern them.
 */
public final class Backends implements BackendView {
  /** Tries per backend for one request: the first call and one retry. */
  static final int MAX_RETRIES = 1;

  private final Runnable onRetry;
  private volatile Map<String, Backend> byKey = Map.of();

  public Backends(Runnable onRetry) {
    this.onRetry = onRetry;
  }

  public synchronized void update(RoutingTable table) {
    Map<String, Backend> next = new HashMap<>();
    int timeout = table.config().fallback().timeoutSeconds;
    for (ModelRoute model : table.modelList()) {
      keep(
          next,
          modelKey(model.name()),
          Backend.Settings.of(
              model.name(),
              stripSlash(model.baseUrl()),
              timeout,
              table.config().circuitBreaker(),
              MAX_RETRIES));
    }
    for (TrafficConfig.Peer peer : table.traffic().peers()) {
      if (peer.url() != null) {
        // A peer is tried once: its own router already retries and falls back.
        keep(
            next,
            peerKey(peer.region()),
            Backend.Settings.of(
                "peer-" + peer.region(),
                stripSlash(peer.url()) + "/v1",
                timeout,
                table.config().circuitBreaker(),
                0));
      }
    }
    byKey = Map.copyOf(next);
  }

  private void keep(Map<String, Backend> next, String key, Backend.Settings settings) {
    Backend current = byKey.get(key);
    next.put(
        key,
        current != null && current.settings().equals(settings)
            ? current
            : new Backend(settings, onRetry));
  }

  public Backend model(String name) {
    return byKey.get(modelKey(name));
  }

  public Backend peer(String region) {
    return byKey.get(peerKey(region));
  }

  /** Every backend, for the circuit-state gauges. */
  public Map<String, Backend> all() {
    return byKey;
  }

  @Override
  public double latencyMs(String model) {
    Backend backend = byKey.get(modelKey(model));
    return backend == null ? Double.NaN : backend.latency().millis();
  }

  @Override
  public boolean coolingDown(String model) {
    Backend backend = byKey.get(modelKey(model));
    return backend != null && backend.coolingDown(System.currentTimeMillis());
  }

  private static String modelKey(String model) {
    return "model/" + model;
  }

  private static String peerKey(String region) {
    return "peer/" + region;
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
