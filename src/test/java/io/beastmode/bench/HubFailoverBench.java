package io.beastmode.bench;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.demo.LocalRegion;
import io.beastmode.demo.TrafficDriver;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.operator.hub.HubSettings;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.Ports;
import io.beastmode.testing.S3Server;
import io.beastmode.testing.ServerProcess;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.TrafficConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * `make bench-hub-failover`: losing the hub, again and again, on real API servers with routers
 * running as processes and clients sending all along. Three regions: north (the active hub's
 * cluster, with routers), west (whose cluster runs the standby hub) and east. Each trial starts a
 * fresh fleet, backs it up continuously to a real S3 server, loses the hub, and promotes the
 * standby with a RestoreRequest at the moment of the loss (as automation watching the hub would).
 *
 * <ul>
 *   <li>{@code control-plane}: the hub's operator stops and its API server becomes unreachable;
 *       north's routers serve on. The old hub is not known to be gone: the standby waits for its
 *       Leases to expire.
 *   <li>{@code region}: north goes dark with its routers; the standby is told the old hub is gone
 *       ({@code oldHubGone}) and must also move north's traffic away.
 * </ul>
 */
public final class HubFailoverBench {
  static final Path WORK = Path.of("target", "bench-hub-failover");
  static final String NS = "chat-team";
  static final String SYSTEM = "beast-mode-system";
  static final List<String> REGIONS = List.of("north", "west", "east");
  static final Duration LEASE = Duration.ofSeconds(10);
  static final int REQUESTS_PER_SECOND = 10;
  static final int TRIALS = Integer.getInteger("bench.trials", 3);
  static final String BUCKET = "hub-snapshots";
  static final Path RESULTS = Path.of("bench", "results");

  public static void main(String[] args) {
    try {
      run();
      System.exit(0);
    } catch (Exception | Error e) {
      // Said and ended here: Maven's exec would wait on the clients' threads for ever.
      e.printStackTrace();
      System.exit(1);
    }
  }

  static void run() throws Exception {
    Files.createDirectories(WORK);
    var trials = new ArrayList<Map<String, Object>>();
    int simulatorPort = Ports.free();
    try (var s3 = S3Server.start();
        var simulator =
            ServerProcess.simulator(simulatorPort, "bench/hub-failover-simulator.yaml", WORK)) {
      s3.createBucket(BUCKET);
      for (String scenario : List.of("control-plane", "region")) {
        for (int i = 1; i <= TRIALS; i++) {
          System.out.printf("trial %s %d of %d%n", scenario, i, TRIALS);
          try (var trial = new Trial(scenario, i, s3, simulatorPort)) {
            var result = trial.run();
            System.out.println("  " + result);
            trials.add(result);
          }
        }
      }
    }
    write(trials);
  }

  /** One fleet, one loss of its hub. */
  static final class Trial implements AutoCloseable {
    final String scenario;
    final String prefix;
    final S3Server s3;
    final int simulatorPort;
    final Map<String, LocalRegion> regions = new LinkedHashMap<>();
    OperatorUnderTest active;
    OperatorUnderTest standby;
    TrafficDriver clients;
    volatile KubernetesClient currentHub;
    volatile Map<String, Integer> lastWeights = Map.of();

    Trial(String scenario, int number, S3Server s3, int simulatorPort) {
      this.scenario = scenario;
      this.prefix = scenario + "-" + number;
      this.s3 = s3;
      this.simulatorPort = simulatorPort;
    }

    Map<String, Object> run() throws Exception {
      var starting = new LinkedHashMap<String, CompletableFuture<LocalRegion>>();
      for (String name : REGIONS) {
        boolean hub = !name.equals("east");
        Path work = WORK.resolve(prefix);
        starting.put(
            name,
            CompletableFuture.supplyAsync(
                () -> LocalRegion.start(name, hub, work, InetAddress.getLoopbackAddress())));
      }
      starting.forEach((name, region) -> regions.put(name, region.join()));
      KubernetesClient north = client("north");
      // The hub's platform, and what the standby needs to read its backups: the same key, the
      // same store credentials and the same BackupPolicy, applied to both hubs' clusters.
      Fixtures.sharedContinuousBackup(
          List.of(north, client("west")), NS, s3.endpoint(), BUCKET, prefix);
      for (var cluster : List.of(north, client("west"))) {
        Fixtures.namespaces(cluster, SYSTEM);
      }
      for (var entry : regions.entrySet()) {
        String name = entry.getKey();
        north
            .resource(
                Fixtures.secret(
                    SYSTEM,
                    name + "-kubeconfig",
                    Map.of("kubeconfig", entry.getValue().kubeconfigFromHub())))
            .create();
        var region = Fixtures.memberRegion(name, 2, SYSTEM, name + "-kubeconfig");
        region.getSpec().healthCheck.timeoutSeconds = 1;
        region.getSpec().redis = new RegionRedis();
        region.getSpec().redis.url = entry.getValue().redis.url();
        region.getSpec().routerEndpoint = entry.getValue().routerEndpoint().toString();
        north.resource(region).create();
      }
      var model = Fixtures.model("small", 0.15, 0.6, 0.7);
      var endpoint = new ModelEndpoint();
      endpoint.url = "http://127.0.0.1:" + simulatorPort + "/v1";
      model.endpoints = List.of(endpoint);
      north.resource(Fixtures.pool(NS, "hosted", model)).create();
      var router = Fixtures.router(NS, "chat", List.of("hosted"), REGIONS.toArray(String[]::new));
      router.getSpec().regions.forEach(p -> p.replicas = 1);
      router.getSpec().autoscaling.enabled = false;
      router.getSpec().access.mode = AccessMode.open;
      north.resource(router).create();

      active = new OperatorUnderTest(north, HubSettings.active("hub-a", LEASE));
      standby =
          new OperatorUnderTest(
              client("west"),
              HubSettings.active("hub-b", LEASE).asStandby(false, Duration.ofSeconds(30)));
      currentHub = north;
      Timing.waitFor(this::serving, 180_000, "routers serving in every region");
      Timing.waitFor(
          () ->
              client("west").resources(LLMRouter.class).inNamespace(NS).withName("chat").get()
                  != null,
          60_000,
          "the standby following the hub");
      var entries = new LinkedHashMap<String, java.net.URI>();
      regions.forEach((name, region) -> entries.put(name, region.routerEndpoint()));
      clients = new TrafficDriver(entries, this::weights, "no-key");
      clients.start(REQUESTS_PER_SECOND);
      Thread.sleep(10_000);
      long failedBefore = clients.failed.sum();

      long lost = System.nanoTime();
      active.close();
      active = null;
      boolean region = scenario.equals("region");
      if (region) {
        regions.get("north").outage();
      } else {
        regions.get("north").controlPlaneOutage();
      }
      currentHub = client("west");
      HubRecovery.promoteStandby(client("west"), NS, "promote", "west", region);
      Timing.waitFor(
          () -> HubRecovery.succeeded(client("west"), NS, "promote"),
          120_000,
          "the standby promoted");
      double promotion = Timing.seconds(lost);
      Double shift = null;
      if (region) {
        Timing.waitFor(this::northEmptied, 120_000, "no weight on north");
        shift = Timing.seconds(lost);
      }
      Thread.sleep(10_000);
      clients.close();
      Thread.sleep(11_000); // requests in flight complete or time out (10 s)
      var result = new LinkedHashMap<String, Object>();
      result.put("scenario", scenario);
      result.put("promotion_seconds", Timing.round(promotion));
      if (shift != null) {
        result.put("shift_seconds", Timing.round(shift));
      }
      result.put("promotion_steps", HubRecovery.promotionSteps(client("west"), NS, "promote"));
      result.put("requests_sent", clients.sent.sum());
      result.put("requests_failed", clients.failed.sum());
      result.put("requests_failed_before_loss", failedBefore);
      return result;
    }

    /** Routers ready in every region and each region taking its share. */
    boolean serving() {
      if (!regions.values().stream().allMatch(r -> r.readyRouters() > 0)) {
        return false;
      }
      var router =
          client("north").resources(LLMRouter.class).inNamespace(NS).withName("chat").get();
      return router.getStatus() != null
          && router.getStatus().regions != null
          && router.getStatus().regions.size() == REGIONS.size()
          && router.getStatus().regions.stream()
              .allMatch(r -> r.trafficStage == TrafficStage.Active);
    }

    /**
     * The current hub's weights, as a global entry point would follow them; the last ones when the
     * hub cannot be read.
     */
    Map<String, Integer> weights() {
      try {
        var router = currentHub.resources(LLMRouter.class).inNamespace(NS).withName("chat").get();
        if (router != null && router.getStatus() != null && router.getStatus().regions != null) {
          var weights = new HashMap<String, Integer>();
          router.getStatus().regions.forEach(r -> weights.put(r.name, r.trafficWeight));
          lastWeights = weights;
        }
      } catch (RuntimeException e) {
        // the hub is gone: clients keep the last weights
      }
      return lastWeights;
    }

    /** West's and east's routers give north no weight. */
    boolean northEmptied() {
      for (String name : List.of("west", "east")) {
        var configMap =
            client(name).configMaps().inNamespace(NS).withName(RoutingConfigMap.name("chat")).get();
        try {
          var north =
              ConfigYaml.read(
                      configMap.getData().get(RoutingConfigMap.TRAFFIC_KEY), TrafficConfig.class)
                  .peers()
                  .stream()
                  .filter(p -> p.region().equals("north"))
                  .findFirst();
          if (north.isPresent() && north.get().weight() > 0) {
            return false;
          }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
      return true;
    }

    KubernetesClient client(String region) {
      return regions.get(region).server.client();
    }

    @Override
    public void close() {
      if (clients != null) {
        clients.close();
      }
      for (var operator : new OperatorUnderTest[] {active, standby}) {
        if (operator != null) {
          operator.close();
        }
      }
      regions.values().forEach(LocalRegion::close);
    }
  }

  static void write(List<Map<String, Object>> trials) throws Exception {
    var result = new LinkedHashMap<String, Object>();
    result.put("lease_seconds", LEASE.toSeconds());
    result.put("requests_per_second", REQUESTS_PER_SECOND);
    result.put("trials", trials);
    var summary = new LinkedHashMap<String, Object>();
    for (String scenario : List.of("control-plane", "region")) {
      var mine = trials.stream().filter(t -> t.get("scenario").equals(scenario)).toList();
      var scenarioSummary = new LinkedHashMap<String, Object>();
      scenarioSummary.put("median_promotion_seconds", median(mine, "promotion_seconds"));
      if (scenario.equals("region")) {
        scenarioSummary.put("median_shift_seconds", median(mine, "shift_seconds"));
      }
      scenarioSummary.put(
          "requests_failed",
          mine.stream().mapToLong(t -> ((Number) t.get("requests_failed")).longValue()).sum());
      summary.put(scenario, scenarioSummary);
    }
    result.put("summary", summary);
    var md = new StringBuilder("# make bench-hub-failover\n\n");
    md.append(
        "Each trial: a fresh fleet of three regions on real API servers (north: the active hub's"
            + " cluster, west: the standby's, east), routers as processes, "
            + REQUESTS_PER_SECOND
            + " requests/s from clients following the hub's weights, continuous backups to a real"
            + " S3 server. Hub Leases last "
            + LEASE.toSeconds()
            + " s.\n\n| scenario | promotion (s) | shift (s) | requests failed / sent |\n|---|---|---|---|\n");
    for (var trial : trials) {
      md.append(
          String.format(
              "| %s | %s | %s | %s / %s |%n",
              trial.get("scenario"),
              trial.get("promotion_seconds"),
              trial.getOrDefault("shift_seconds", "–"),
              trial.get("requests_failed"),
              trial.get("requests_sent")));
    }
    md.append("\nMedians and totals: ").append(summary).append("\n\n");
    md.append(
        "Targets: control-plane loss, median promotion ≤ 15 s and zero failed requests;"
            + " whole-region loss, median shift ≤ 20 s.\n");
    BenchResults.write(RESULTS.resolve("hub-failover"), result, md);
  }

  static Double median(List<Map<String, Object>> trials, String key) {
    var values =
        trials.stream()
            .filter(t -> t.get(key) != null)
            .map(t -> ((Number) t.get(key)).doubleValue())
            .toList();
    return values.isEmpty() ? null : Timing.round(Timing.median(values));
  }
}
