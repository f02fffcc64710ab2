package io.beastmode.bench;

import static io.beastmode.bench.ScaleFigures.medianOf;
import static io.beastmode.bench.ScaleFigures.percentile;
import static io.beastmode.bench.ScaleFigures.slope;
import static io.beastmode.bench.ScaleFigures.summary;
import static io.beastmode.bench.ScaleFigures.write;
import static io.beastmode.bench.Timing.round;
import static io.beastmode.bench.Timing.seconds;
import static io.beastmode.bench.Timing.waitFor;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.FailoverMode;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.ModelEndpoint;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.TrafficStage;
import io.beastmode.demo.LocalRegion;
import io.beastmode.demo.TrafficDriver;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.testing.Fixtures;
import io.beastmode.testing.KwokCluster;
import io.beastmode.testing.Ports;
import io.beastmode.testing.ProcessCosts;
import io.beastmode.testing.PrometheusScrape;
import io.beastmode.testing.Running;
import io.beastmode.testing.ServerProcess;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.TrafficConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * `make bench-scale`: the fleet at the size it is sold for. Regions, each a real kube-apiserver
 * with its own etcd and Redis, started one at a time; the packaged operator as its pod runs it (the
 * chart's JVM options and memory limit) on the first region's cluster, the hub. One LLMRouter
 * ({@code global}) in every region, its replica a real router process (the demo's kubelet stand-in)
 * that heartbeats, serves the clients' traffic and takes failovers; two more LLMRouters whose
 * replicas are pods on KWOK's fake nodes, to bring the fleet past a hundred router replicas.
 * Clients send by the hub's weights all along. A standby hub runs in the second region's cluster
 * ({@link ScaleHubMeasurements}).
 *
 * <p>Everything is measured at {@link #SMALL} regions (the baseline), then regions are added one at
 * a time up to {@link #LARGE} and measured again in the same run. At each size, last, a backup and
 * a restore of the whole hub and the standby's promotion, after which the two hubs trade places.
 */
public final class ScaleBench {
  static final Path WORK = Path.of("target", "bench-scale");
  static final Path RESULTS = Path.of("bench", "results");
  static final String NS = "chat-team";
  static final String SYSTEM = "beast-mode-system";
  static final String GLOBAL = "global";
  static final List<String> KWOK_ROUTERS = List.of("batch", "search");
  static final int KWOK_REPLICAS = 4;
  static final int KWOK_NODES = 2;
  static final int SMALL = Integer.getInteger("bench.baselineRegions", 3);
  static final int LARGE = Integer.getInteger("bench.regions", 12);
  static final int EDITS = Integer.getInteger("bench.edits", 20);
  static final int FAILOVERS = Integer.getInteger("bench.failovers", 3);
  static final int REQUESTS_PER_SECOND = 10;
  static final int IDLE_SECONDS = Integer.getInteger("bench.idleSeconds", 30);

  /** The chart's operator JVM options (helm/beast-mode/values.yaml javaOptions) and limit. */
  static final String CHART_JAVA_OPTIONS =
      "-XX:+UseSerialGC -XX:MinRAMPercentage=50 -XX:MaxRAMPercentage=50"
          + " -XX:+ExitOnOutOfMemoryError";

  static final long CHART_MEMORY_LIMIT_MIB = 512;

  /** The timed figures, reported at both sizes. */
  static final List<String> TIMED =
      List.of(
          "edit_configmap_p50_seconds",
          "edit_configmap_p99_seconds",
          "edit_router_p50_seconds",
          "edit_router_p99_seconds",
          "failover_shift_median_seconds",
          "failover_shift_with_hung_region_median_seconds",
          "hub_backup_seconds",
          "hub_restore_seconds",
          "standby_promotion_seconds");

  final Running running = new Running();
  final Map<String, LocalRegion> regions = new LinkedHashMap<>();
  final Map<String, KwokCluster> kwoks = new LinkedHashMap<>();
  final Map<String, ConfigMap> routingConfigMaps = new ConcurrentHashMap<>();
  final Map<String, Map<Long, Long>> revisionArrivals = new ConcurrentHashMap<>();
  final int simulatorPort = Ports.free();
  final ScaleHubMeasurements hubLevel = new ScaleHubMeasurements(this);
  volatile String hubRegion = name(1);
  String hubName = "hub-a";
  ServerProcess operator;
  int operatorManagementPort;
  int operatorStarts;
  TrafficDriver clients;
  volatile Map<String, Integer> weights = Map.of();
  volatile long weightsReadAt;

  public static void main(String[] args) {
    var bench = new ScaleBench();
    try {
      bench.run();
      bench.running.close();
      System.exit(0);
    } catch (Exception | Error e) {
      // Said and ended here: Maven's exec would wait on the clients' threads for ever.
      e.printStackTrace();
      bench.running.close();
      System.exit(1);
    }
  }

  void run() throws Exception {
    Files.createDirectories(WORK);
    log("load average " + ProcessCosts.loadAverage() + "; free " + freeMiB() + " MiB");
    running.add(ServerProcess.simulator(simulatorPort, "bench/hub-failover-simulator.yaml", WORK));
    for (int i = 1; i <= SMALL; i++) {
      addRegion(i);
    }
    hubObjects();
    hubLevel.start();
    var baseline = new LinkedHashMap<String, Object>();
    var large = new LinkedHashMap<String, Object>();
    measureAtSize(baseline, true);

    log("adding regions one at a time up to " + LARGE);
    var growth = new ArrayList<Map<String, Object>>();
    for (int i = SMALL + 1; i <= LARGE; i++) {
      long started = System.nanoTime();
      addRegion(i);
      placeEverywhere();
      waitFor(this::everyRegionActive, 600_000, "region " + name(i) + " active");
      double joined = seconds(started);
      Thread.sleep(10_000);
      var sample = new LinkedHashMap<String, Object>();
      sample.put("regions", i);
      sample.put("seconds_to_active", round(joined));
      sample.put("operator_rss_mib", round(ProcessCosts.rssMiB(operator.pid())));
      sample.put("operator_heap_mib", round(operatorHeapMiB()));
      sample.put("operator_threads", ProcessCosts.threads(operator.pid()));
      sample.put("free_mib", freeMiB());
      sample.put("load_average", ProcessCosts.loadAverage());
      log("grown: " + sample);
      growth.add(sample);
    }
    large.put("growth", growth);
    large.put("growth_rss_mib_per_added_region", slope(growth, "operator_rss_mib"));
    large.put("growth_heap_mib_per_added_region", slope(growth, "operator_heap_mib"));

    // The restart with every region: the background requests and watches while no operator runs,
    // then a cold start, its peak memory against the chart's limit.
    log("operator restart with " + LARGE + " regions");
    operator.close();
    Thread.sleep(3_000);
    var background = apiServerTraffic(IDLE_SECONDS);
    large.put("api_servers_without_operator", background);
    measureAtSize(large, false);
    large.put(
        "operator_peak_rss_mib_through_restart", round(ProcessCosts.peakRssMiB(operator.pid())));
    large.put("chart_memory_limit_mib", CHART_MEMORY_LIMIT_MIB);
    write(baseline, large);
  }

  /**
   * Starts the operator cold and measures at the current size: time to every region Active, idle
   * costs, edits, failovers (also with another region hung).
   */
  void measureAtSize(Map<String, Object> into, boolean first) throws Exception {
    int size = regions.size();
    log("measuring at " + size + " regions");
    if (first) {
      // Before the operator runs: what the API servers serve to the parts that are not it.
      into.put("api_servers_without_operator", apiServerTraffic(IDLE_SECONDS));
    }
    long started = System.nanoTime();
    startOperator();
    waitFor(this::everyRegionActive, 600_000, "every region active");
    into.put("regions", size);
    into.put("cold_start_seconds", round(seconds(started)));
    into.put("operator_peak_rss_mib_at_cold_start", round(ProcessCosts.peakRssMiB(operator.pid())));
    log("cold start at " + size + " regions: " + into.get("cold_start_seconds") + " s");
    if (clients == null) {
      startClients();
    } else {
      clients.close();
      startClients();
    }
    into.put("router_replicas", routerReplicas());
    Thread.sleep(20_000);
    // Right after a start the JIT compiler still takes most of the CPU: measured again below, warm.
    into.put("idle_after_start", idle());
    into.put("api_servers_with_operator", apiServerTraffic(IDLE_SECONDS));
    into.put("per_piece", perPiece());
    var edits = edits();
    into.put("edits", edits);
    into.put("edit_configmap_p50_seconds", edits.get("configmap_p50_seconds"));
    into.put("edit_configmap_p99_seconds", edits.get("configmap_p99_seconds"));
    into.put("edit_router_p50_seconds", edits.get("router_p50_seconds"));
    into.put("edit_router_p99_seconds", edits.get("router_p99_seconds"));
    var failovers = new ArrayList<Map<String, Object>>();
    var hung = new ArrayList<Map<String, Object>>();
    var members = regions.keySet().stream().skip(1).toList();
    for (int trial = 0; trial < FAILOVERS; trial++) {
      String victim = members.get(trial % members.size());
      failovers.add(failover(victim, null));
    }
    // One region lost and another hung is two down: with fewer than four regions that is more
    // than half, and the hub freezes traffic by design (docs/failover.md), so there is no shift to
    // time.
    boolean hungTrials = 2 * 2 <= size;
    for (int trial = 0; hungTrials && trial < FAILOVERS; trial++) {
      String victim = members.get(trial % members.size());
      String hangs = members.get((trial + 1) % members.size());
      hung.add(failover(victim, hangs));
    }
    if (!hungTrials) {
      into.put(
          "failovers_with_hung_region_skipped",
          "one lost and one hung region are more than half of " + size + ": traffic freezes");
    }
    into.put("failovers", failovers);
    into.put("failovers_with_hung_region", hung);
    into.put("failover_shift_median_seconds", medianOf(failovers, "shift_seconds"));
    into.put(
        "failover_shift_with_hung_region_median_seconds",
        hung.isEmpty() ? null : medianOf(hung, "shift_seconds"));
    into.put("requests_sent", clients.sent.sum());
    into.put("requests_failed", clients.failed.sum());
    into.put("idle", idle());
    into.put("load_average", ProcessCosts.loadAverage());
    // Last, so that nothing measured above runs on a promoted hub.
    hubLevel.measure(into);
    log("at " + size + " regions: " + summary(into));
  }

  // ---- the fleet

  static String name(int i) {
    return String.format(Locale.ROOT, "r%02d", i);
  }

  /**
   * Starts region {@code i}: its API server, etcd, Redis, KWOK and router runtime; the hub's
   * Region.
   */
  void addRegion(int i) throws Exception {
    String name = name(i);
    boolean hub = i == 1;
    // The second region's cluster runs the standby hub: it holds the CRDs too.
    boolean hubCluster = i <= ScaleHubMeasurements.STANDBY_REGION;
    log(
        "starting region "
            + name
            + " (free "
            + freeMiB()
            + " MiB, load "
            + ProcessCosts.loadAverage()
            + ")");
    var region =
        running.add(
            LocalRegion.start(
                name,
                hubCluster,
                WORK,
                InetAddress.getLoopbackAddress(),
                d -> d.getMetadata().getName().equals(GLOBAL)));
    regions.put(name, region);
    kwoks.put(
        name,
        running.add(
            new KwokCluster(
                region.server,
                WORK.resolve(name).resolve("kwok"),
                KWOK_NODES,
                d -> !d.getMetadata().getName().equals(GLOBAL))));
    watchRoutingConfigMap(name, region.server.client());
    var hubClient = hub();
    if (hub) {
      Fixtures.namespaces(hubClient, SYSTEM, NS);
    }
    hubClient
        .resource(
            Fixtures.secret(
                SYSTEM, name + "-kubeconfig", Map.of("kubeconfig", region.kubeconfigFromHub())))
        .serverSideApply();
    var object = Fixtures.memberRegion(name, 1, SYSTEM, name + "-kubeconfig");
    object.getSpec().healthCheck.intervalSeconds = 1;
    object.getSpec().healthCheck.timeoutSeconds = 1;
    object.getSpec().redis = new RegionRedis();
    object.getSpec().redis.url = region.redis.url();
    object.getSpec().routerEndpoint = region.routerEndpoint().toString();
    // The hub's region first for activePassive, so that the timed edit (the failover mode, in
    // turn) moves every region's weights.
    object.getSpec().traffic.priority = hub ? 1 : 100;
    hubClient.resource(object).serverSideApply();
  }

  /** The ModelPool and the three LLMRouters, placed in the regions there are now. */
  void hubObjects() {
    var model = Fixtures.model("small", 0.15, 0.6, 0.7);
    var endpoint = new ModelEndpoint();
    endpoint.url = "http://127.0.0.1:" + simulatorPort + "/v1";
    model.endpoints = List.of(endpoint);
    hub().resource(Fixtures.pool(NS, "hosted", model)).create();
    var names = regions.keySet().toArray(String[]::new);
    var global = Fixtures.router(NS, GLOBAL, List.of("hosted"), names);
    hub().resource(prepared(global, 1)).create();
    for (String other : KWOK_ROUTERS) {
      hub()
          .resource(prepared(Fixtures.router(NS, other, List.of("hosted"), names), KWOK_REPLICAS))
          .create();
    }
  }

  static LLMRouter prepared(LLMRouter router, int replicas) {
    router.getSpec().regions.forEach(p -> p.replicas = replicas);
    router.getSpec().autoscaling.enabled = false;
    router.getSpec().access.mode = AccessMode.open;
    // Every router fails over with a lost region; all fail back fast, so trials follow each other.
    router.getSpec().failover.failbackAfterSeconds = 2;
    router.getSpec().failover.shiftSteps = List.of(50, 100);
    router.getSpec().failover.maxFlapsPerHour = 100;
    return router;
  }

  /** Every LLMRouter placed in every region there is now. */
  void placeEverywhere() {
    for (String router : allRouters()) {
      int replicas = router.equals(GLOBAL) ? 1 : KWOK_REPLICAS;
      Fixtures.edit(
          hub().resources(LLMRouter.class).inNamespace(NS).withName(router),
          r -> {
            for (String name : regions.keySet()) {
              if (r.getSpec().regions.stream().noneMatch(p -> p.name.equals(name))) {
                r.getSpec().regions.add(new RegionPlacement(name, replicas));
              }
            }
          });
    }
  }

  static List<String> allRouters() {
    var all = new ArrayList<String>();
    all.add(GLOBAL);
    all.addAll(KWOK_ROUTERS);
    return all;
  }

  /** The active hub's cluster (the first region's until a standby is promoted). */
  KubernetesClient hub() {
    return regions.get(hubRegion).server.client();
  }

  void startOperator() throws Exception {
    operatorManagementPort = Ports.free();
    operator = startOperator(hubRegion, hubName, "active", operatorManagementPort);
  }

  /**
   * The packaged operator, as its pod runs it, on region {@code cluster}'s cluster: hub {@code
   * hubName} in role {@code role} (active or standby).
   */
  ServerProcess startOperator(String cluster, String hubName, String role, int managementPort)
      throws Exception {
    Path kubeconfig = WORK.resolve(cluster + "-kubeconfig");
    Files.writeString(kubeconfig, regions.get(cluster).server.kubeconfig());
    var env = new HashMap<String, String>();
    env.put("BEASTMODE_ROLE", "operator");
    env.put("BEASTMODE_HUB_NAME", hubName);
    env.put("BEASTMODE_HUB_ROLE", role);
    env.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
    env.put(
        "QUARKUS_VERTX_CACHE_DIRECTORY", WORK.resolve("vertx-cache").toAbsolutePath().toString());
    // As its container runs it: the chart's options, the JVM sizing itself to the chart's limit.
    env.put(
        "JAVA_TOOL_OPTIONS",
        CHART_JAVA_OPTIONS + " -XX:MaxRAM=" + CHART_MEMORY_LIMIT_MIB * 1024 * 1024);
    // A standby runs no controllers, so the operator's readiness check says no: it is up once live.
    String health = role.equals("active") ? "ready" : "live";
    // As kubelet would: an operator that exits while starting (an API server that closes the
    // connection its first list went on) is started again; the restarts are counted.
    for (int attempt = 1; ; attempt++) {
      operatorStarts++;
      var started =
          running.add(
              ServerProcess.start(
                  "operator-" + operatorStarts,
                  List.of(ServerProcess.java(), "-jar", "target/quarkus-app/quarkus-run.jar"),
                  env,
                  WORK));
      try {
        started.awaitHttp("http://127.0.0.1:" + managementPort + "/q/health/" + health);
        return started;
      } catch (IllegalStateException e) {
        started.close();
        if (attempt == 5) {
          throw e;
        }
        log("the operator did not start (" + e.getMessage() + "); starting it again");
      }
    }
  }

  /**
   * Every Region serving (Degraded, not Healthy: KWOK's pods send no heartbeats, so fewer routers
   * are live than ready) and every LLMRouter Active with weight in each of its regions.
   */
  boolean everyRegionActive() {
    try {
      var regionObjects = hub().resources(Region.class).list().getItems();
      if (regionObjects.size() != regions.size()
          || !regionObjects.stream()
              .allMatch(r -> r.getStatus() != null && Boolean.TRUE.equals(r.getStatus().serving))) {
        return false;
      }
      for (String name : allRouters()) {
        var router = hub().resources(LLMRouter.class).inNamespace(NS).withName(name).get();
        var status = router.getStatus();
        if (status == null
            || status.regions == null
            || status.regions.size() != regions.size()
            || !status.regions.stream()
                .allMatch(
                    r ->
                        r.trafficStage == TrafficStage.Active
                            && r.trafficWeight != null
                            && r.trafficWeight > 0)) {
          return false;
        }
      }
      return regions.values().stream().allMatch(r -> r.readyRouters() > 0);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Replicas ready in the fleet: the router processes and KWOK's pods. */
  int routerReplicas() {
    int real = regions.values().stream().mapToInt(LocalRegion::readyRouters).sum();
    int fake = kwoks.values().stream().mapToInt(KwokCluster::readyPods).sum();
    return real + fake;
  }

  void startClients() {
    var entries = new LinkedHashMap<String, URI>();
    regions.forEach((name, region) -> entries.put(name, region.routerEndpoint()));
    clients = running.add(new TrafficDriver(entries, this::currentWeights, "no-key"));
    clients.start(REQUESTS_PER_SECOND);
  }

  /**
   * The hub's weights for {@code global}, as a weighted entry point follows them (read at 2 Hz).
   */
  Map<String, Integer> currentWeights() {
    if (System.nanoTime() - weightsReadAt > 500_000_000L) {
      weightsReadAt = System.nanoTime();
      try {
        var status =
            hub().resources(LLMRouter.class).inNamespace(NS).withName(GLOBAL).get().getStatus();
        if (status != null && status.regions != null) {
          var next = new HashMap<String, Integer>();
          status.regions.forEach(
              r -> next.put(r.name, r.trafficWeight == null ? 0 : r.trafficWeight));
          weights = next;
        }
      } catch (RuntimeException e) {
        // keep the last weights
      }
    }
    return weights;
  }

  // ---- routing ConfigMaps, as each region's cluster holds them

  void watchRoutingConfigMap(String region, KubernetesClient client) {
    revisionArrivals.put(region, new ConcurrentHashMap<>());
    running.add(
        client
            .configMaps()
            .inNamespace(NS)
            .withName(RoutingConfigMap.name(GLOBAL))
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap configMap) {
                    if (action == Action.DELETED) {
                      routingConfigMaps.remove(region);
                      return;
                    }
                    routingConfigMaps.put(region, configMap);
                    revisionArrivals
                        .get(region)
                        .putIfAbsent(RoutingConfigMap.revision(configMap), System.nanoTime());
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    System.err.println("[" + region + "] ConfigMap watch closed: " + cause);
                  }
                }));
  }

  long revision(String region) {
    var configMap = routingConfigMaps.get(region);
    return configMap == null ? 0 : RoutingConfigMap.revision(configMap);
  }

  /** The weight region {@code of}'s routers were given for {@code peer}; -1 when unknown. */
  int peerWeight(String of, String peer) {
    var configMap = routingConfigMaps.get(of);
    if (configMap == null) {
      return -1;
    }
    try {
      return ConfigYaml.read(
              configMap.getData().get(RoutingConfigMap.TRAFFIC_KEY), TrafficConfig.class)
          .peers()
          .stream()
          .filter(p -> p.region().equals(peer))
          .mapToInt(TrafficConfig.Peer::weight)
          .findFirst()
          .orElse(-1);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- measurements

  /** The operator at rest: memory, heap, threads, CPU over {@link #IDLE_SECONDS}. */
  Map<String, Object> idle() throws InterruptedException {
    long pid = operator.pid();
    double cpuBefore = ProcessCosts.cpuSeconds(pid);
    long started = System.nanoTime();
    Thread.sleep(IDLE_SECONDS * 1000L);
    double cores = (ProcessCosts.cpuSeconds(pid) - cpuBefore) / seconds(started);
    var idle = new LinkedHashMap<String, Object>();
    idle.put("operator_rss_mib", round(ProcessCosts.rssMiB(pid)));
    idle.put("operator_heap_mib", round(operatorHeapMiB()));
    idle.put("operator_threads", ProcessCosts.threads(pid));
    idle.put("operator_cpu_cores", Math.round(cores * 1000) / 1000.0);
    idle.put("seconds", IDLE_SECONDS);
    log("idle: " + idle);
    return idle;
  }

  double operatorHeapMiB() {
    try {
      return PrometheusScrape.sum(
              "http://127.0.0.1:" + operatorManagementPort,
              "jvm_memory_used_bytes",
              "area=\"heap\"")
          / 1024
          / 1024;
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Per API server: open watches (apiserver_longrunning_requests, verb WATCH) and requests per
   * second (apiserver_request_total over {@code seconds}).
   */
  Map<String, Object> apiServerTraffic(int seconds) throws InterruptedException {
    var before = new HashMap<String, Double>();
    regions.forEach((name, region) -> before.put(name, requestTotal(region)));
    long started = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double elapsed = seconds(started);
    var perRegion = new LinkedHashMap<String, Object>();
    regions.forEach(
        (name, region) -> {
          var figures = new LinkedHashMap<String, Object>();
          figures.put("watches", watches(region));
          figures.put(
              "requests_per_second", round((requestTotal(region) - before.get(name)) / elapsed));
          perRegion.put(name, figures);
        });
    return perRegion;
  }

  static double requestTotal(LocalRegion region) {
    return metric(region, "apiserver_request_total{", null);
  }

  static double watches(LocalRegion region) {
    return metric(region, "apiserver_longrunning_requests{", "verb=\"WATCH\"");
  }

  static double metric(LocalRegion region, String prefix, String having) {
    try {
      return region
          .server
          .client()
          .raw("/metrics")
          .lines()
          .filter(line -> line.startsWith(prefix))
          .filter(line -> having == null || line.contains(having))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** RSS and CPU (cores, over the run so far) of every piece, per region and for the operator. */
  Map<String, Object> perPiece() {
    var pieces = new LinkedHashMap<String, Object>();
    pieces.put("operator", cost(operator.pid()));
    regions.forEach(
        (name, region) -> {
          var region_ = new LinkedHashMap<String, Object>();
          int port = URI.create(region.server.client().getConfiguration().getMasterUrl()).getPort();
          ProcessCosts.apiServerAndEtcd(port)
              .ifPresent(
                  pids -> {
                    region_.put("kube_apiserver", cost(pids[0]));
                    region_.put("etcd", cost(pids[1]));
                  });
          region_.put("redis", cost(region.redis.pid()));
          region_.put("kwok", cost(kwoks.get(name).pid()));
          region_.put("routers", region.routerPids().stream().map(ScaleBench::cost).toList());
          pieces.put(name, region_);
        });
    return pieces;
  }

  static Map<String, Object> cost(long pid) {
    var cost = new LinkedHashMap<String, Object>();
    cost.put("rss_mib", round(ProcessCosts.rssMiB(pid)));
    cost.put("cpu_seconds", round(ProcessCosts.cpuSeconds(pid)));
    return cost;
  }

  /**
   * {@link #EDITS} edits of {@code global}'s traffic (its failover mode, in turn): seconds until
   * every region's routing ConfigMap carries a new revision, and until every running router runs it
   * (its beastmode_router_config_revision gauge).
   */
  Map<String, Object> edits() throws Exception {
    var toConfigMaps = new ArrayList<Double>();
    var toRouters = new ArrayList<Double>();
    int missed = 0;
    for (int edit = 0; edit < EDITS; edit++) {
      settled();
      var before = new HashMap<String, Long>();
      regions.keySet().forEach(r -> before.put(r, revision(r)));
      var mode = edit % 2 == 0 ? FailoverMode.activePassive : FailoverMode.activeActive;
      long started = System.nanoTime();
      Fixtures.edit(
          hub().resources(LLMRouter.class).inNamespace(NS).withName(GLOBAL),
          r -> r.getSpec().failover.mode = mode);
      try {
        waitFor(
            () -> regions.keySet().stream().allMatch(r -> revision(r) != before.get(r)),
            60_000,
            "edit " + edit + " in every region's ConfigMap");
      } catch (IllegalStateException e) {
        log(e.getMessage() + "; counted as not arrived");
        missed++;
        continue;
      }
      long latest =
          regions.keySet().stream()
              .mapToLong(r -> revisionArrivals.get(r).get(revision(r)))
              .max()
              .orElseThrow();
      toConfigMaps.add(round((latest - started) / 1e9));
      var wanted = new HashMap<String, Long>();
      regions.keySet().forEach(r -> wanted.put(r, revision(r)));
      try {
        waitFor(
            () ->
                regions.entrySet().stream()
                    .allMatch(e -> routersRun(e.getValue(), wanted.get(e.getKey()))),
            60_000,
            "edit " + edit + " in every router");
        toRouters.add(round(seconds(started)));
      } catch (IllegalStateException e) {
        log(e.getMessage() + "; counted as not arrived");
        missed++;
      }
    }
    var result = new LinkedHashMap<String, Object>();
    result.put(
        "what",
        "failover.mode of the LLMRouter placed in every region, activeActive and activePassive in"
            + " turn: a change of the traffic file, which routers take without a restart (an edit"
            + " of the routing file rolls the router pods instead)");
    result.put("not_arrived_within_60_seconds", missed);
    result.put("configmap_seconds", toConfigMaps);
    result.put("router_seconds", toRouters);
    result.put("configmap_p50_seconds", percentile(toConfigMaps, 50));
    result.put("configmap_p99_seconds", percentile(toConfigMaps, 99));
    result.put("router_p50_seconds", percentile(toRouters, 50));
    result.put("router_p99_seconds", percentile(toRouters, 99));
    log("edits: " + result);
    waitFor(this::everyRegionActive, 300_000, "every region active after the edits");
    return result;
  }

  /**
   * Waits (30 s at most) until no region's routing ConfigMap has changed for 3 s: a failover mode
   * switched moves weights in steps, and an edit made mid-way may leave them where they are.
   */
  void settled() throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    var last = new HashMap<String, Long>();
    long quietSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      var now = new HashMap<String, Long>();
      regions.keySet().forEach(r -> now.put(r, revision(r)));
      if (!now.equals(last)) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > 3_000_000_000L) {
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Every ready router process of the region reports the revision (or a later one). */
  static boolean routersRun(LocalRegion region, long revision) {
    var routers = region.routerManagement();
    if (routers.isEmpty()) {
      return false;
    }
    for (var address : routers) {
      try {
        double running =
            PrometheusScrape.sum(
                "http://127.0.0.1:" + address.getPort(), "beastmode_router_config_revision");
        if (running < revision) {
          return false;
        }
      } catch (RuntimeException e) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code victim} goes dark (API server cut off from the hub, routers stopped) with clients
   * sending; seconds until every other region's routers give it no weight. With {@code hung}, that
   * region's API server hangs for the hub all along.
   */
  Map<String, Object> failover(String victim, String hung) throws Exception {
    if (hung != null) {
      regions.get(hung).hang();
    }
    var others =
        regions.keySet().stream().filter(r -> !r.equals(victim) && !r.equals(hung)).toList();
    long failedBefore = clients.failed.sum();
    long sentBefore = clients.sent.sum();
    long cutAt = System.nanoTime();
    regions.get(victim).outage();
    waitFor(
        () -> others.stream().allMatch(o -> peerWeight(o, victim) == 0),
        120_000,
        "no weight on " + victim + (hung == null ? "" : " while " + hung + " hangs"));
    double shift = seconds(cutAt);
    var result = new LinkedHashMap<String, Object>();
    result.put("region", victim);
    if (hung != null) {
      result.put("hung_region", hung);
    }
    result.put("shift_seconds", round(shift));
    Thread.sleep(2_000);
    result.put("requests_sent", clients.sent.sum() - sentBefore);
    result.put("requests_failed", clients.failed.sum() - failedBefore);
    regions.get(victim).recover();
    if (hung != null) {
      regions.get(hung).recover();
    }
    long restoredAt = System.nanoTime();
    waitFor(this::everyRegionActive, 300_000, victim + " failed back");
    result.put("failback_seconds", round(seconds(restoredAt)));
    log("failover: " + result);
    return result;
  }

  static long freeMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (java.io.IOException e) {
      // not on Linux
    }
    return -1;
  }

  static void log(String message) {
    System.out.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), message);
  }
}
