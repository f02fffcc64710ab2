package io.beastmode.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.Heartbeat;
import io.beastmode.wire.LatencyHistogram;
import io.beastmode.wire.SelectionSummary;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Router pods that do nothing but publish heartbeats, as real routers do, to a real Redis: twice a
 * second per pod, carrying the versions of the routing and traffic files their region's ConfigMap
 * holds at that moment. Stopping a region's pods is a region whose routers died.
 */
public final class SimulatedRouters implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int redisPort;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            var thread = new Thread(r, "simulated-routers");
            thread.setDaemon(true);
            return thread;
          });
  private final Map<String, Fleet> fleets = new ConcurrentHashMap<>();
  private final Map<String, List<SelectionSummary>> selections = new ConcurrentHashMap<>();
  private final long startedAt = System.currentTimeMillis();
  private Socket socket;

  private record Fleet(
      String router,
      String region,
      int pods,
      KubernetesClient client,
      String namespace,
      String configMap) {}

  public SimulatedRouters(int redisPort) {
    this.redisPort = redisPort;
    timer.scheduleAtFixedRate(this::publishAll, 0, 500, TimeUnit.MILLISECONDS);
  }

  /**
   * Starts {@code pods} routers of {@code router} (namespace/name) in a region, reading its
   * ConfigMap.
   */
  public void start(String router, String region, int pods, KubernetesClient regionClient) {
    String namespace = router.substring(0, router.indexOf('/'));
    String name = router.substring(router.indexOf('/') + 1);
    fleets.put(
        region,
        new Fleet(router, region, pods, regionClient, namespace, RoutingConfigMap.name(name)));
  }

  /**
   * From now on the region's pods report these figures of the learned selection, pod 0 the first;
   * pods beyond the list report none.
   */
  public void reportSelection(String region, List<SelectionSummary> perPod) {
    selections.put(region, List.copyOf(perPod));
  }

  /** The region's routers stop publishing; their heartbeats expire on their TTL. */
  public void stop(String region) {
    fleets.remove(region);
  }

  private void publishAll() {
    for (var fleet : fleets.values()) {
      try {
        var configMap =
            fleet
                .client()
                .configMaps()
                .inNamespace(fleet.namespace())
                .withName(fleet.configMap())
                .get();
        if (configMap == null) {
          continue;
        }
        String routing = ConfigYaml.version(configMap.getData().get(RoutingConfigMap.ROUTING_KEY));
        String traffic = ConfigYaml.version(configMap.getData().get(RoutingConfigMap.TRAFFIC_KEY));
        var selection = selections.getOrDefault(fleet.region(), List.of());
        for (int pod = 0; pod < fleet.pods(); pod++) {
          var beat =
              new Heartbeat(
                  fleet.router(),
                  fleet.region(),
                  "pod-" + pod,
                  routing,
                  traffic,
                  startedAt,
                  System.currentTimeMillis(),
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  0,
                  LatencyHistogram.BOUNDS_MS,
                  new long[LatencyHistogram.BOUNDS_MS.length + 1],
                  0,
                  pod < selection.size() ? selection.get(pod) : null);
          // As a router writes it: the key, expiring, and the key in the region's index.
          String key = Heartbeat.key(fleet.router(), fleet.region(), "pod-" + pod);
          send('+', "SET", key, JSON.writeValueAsString(beat), "EX", "" + Heartbeat.TTL_SECONDS);
          send(':', "SADD", Heartbeat.index(fleet.region()), key);
        }
      } catch (KubernetesClientException | IOException e) {
        // The region's API server is cut off or Redis is down: this round publishes nothing for it.
        closeSocket();
      }
    }
  }

  /** One command over RESP on one kept-open connection, whose reply must start with {@code ok}. */
  private void send(char ok, String... parts) throws IOException {
    if (socket == null || socket.isClosed()) {
      socket = new Socket("127.0.0.1", redisPort);
    }
    var command = new StringBuilder("*").append(parts.length).append("\r\n");
    for (String part : parts) {
      command
          .append('$')
          .append(part.getBytes(StandardCharsets.UTF_8).length)
          .append("\r\n")
          .append(part)
          .append("\r\n");
    }
    OutputStream out = socket.getOutputStream();
    out.write(command.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = socket.getInputStream();
    int first = in.read();
    while (in.read() != '\n') {
      // skip the rest of the reply line
    }
    if (first != ok) {
      throw new IOException("redis refused " + parts[0]);
    }
  }

  private void closeSocket() {
    try {
      if (socket != null) {
        socket.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      socket = null;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    closeSocket();
  }
}
