package io.beastmode.testing;

import static io.beastmode.testing.Fixtures.memberRegion;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.LLMRouterStatus;
import io.beastmode.api.v1alpha1.Region;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.api.v1alpha1.RouterRegionStatus;
import io.beastmode.operator.desired.RoutingConfigMap;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.TrafficConfig;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A hub region and member regions, each its own API server; members are reached through TCP paths
 * that can be cut (a network partition: the server behind keeps running and keeps its state).
 * Routers are simulated by their heartbeats in a real Redis. Used by the failover tests and the
 * failover benchmark.
 */
public final class Fleet implements AutoCloseable {
  public static final String SYSTEM = "beast-mode-system";

  private final ApiServer hubServer;
  private final Map<String, ApiServer> members = new LinkedHashMap<>();
  private final Map<String, TcpProxy> paths = new HashMap<>();
  private final List<FakeWorkloadController> workloads = new ArrayList<>();
  private final RedisServer redis;
  private final SimulatedRouters routers;
  private final String namespace;
  private String router;
  private OperatorUnderTest operator;

  /**
   * @param regionSetup adjusts each Region (probe settings) before it is created
   */
  public Fleet(String namespace, List<String> memberNames, Consumer<Region> regionSetup) {
    this.namespace = namespace;
    // A fleet that fails to start stops what it started, or its servers would load every later
    // test.
    try {
      hubServer = ApiServer.start().withCrds().withPlatformCrds(PlatformCrds.HUB);
      redis = RedisServer.start();
      routers = new SimulatedRouters(redis.port());
      var hub = hubServer.client();
      workloads.add(new FakeWorkloadController(hub));
      for (String ns : List.of(namespace, SYSTEM)) {
        hub.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      hub.resource(prepared(Fixtures.region("hub", 1), regionSetup)).create();
      for (String name : memberNames) {
        var server = ApiServer.start();
        members.put(name, server);
        workloads.add(new FakeWorkloadController(server.client()));
        var path =
            new TcpProxy(URI.create(server.client().getConfiguration().getMasterUrl()).getPort());
        paths.put(name, path);
        putKubeconfig(name, path.rewrite(server.kubeconfig()));
        hub.resource(prepared(memberRegion(name, 1, SYSTEM, name + "-kubeconfig"), regionSetup))
            .create();
      }
      operator = new OperatorUnderTest(hub);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Creates the router and starts two simulated router pods in each of its regions. */
  public void createRouter(LLMRouter llmRouter) {
    this.router = llmRouter.getMetadata().getName();
    hub().resource(llmRouter).create();
    String owner = namespace + "/" + router;
    routers.start(owner, "hub", 2, hub());
    members.forEach((name, server) -> routers.start(owner, name, 2, server.client()));
  }

  public KubernetesClient hub() {
    return hubServer.client();
  }

  /** The API server of a region: the hub's own or a member's. */
  public KubernetesClient client(String region) {
    return "hub".equals(region) ? hub() : member(region);
  }

  /** The simulated routers' heartbeats, for what they report. */
  public SimulatedRouters routers() {
    return routers;
  }

  public String redisUrl() {
    return redis.url();
  }

  public KubernetesClient member(String name) {
    return members.get(name).client();
  }

  public ApiServer memberServer(String name) {
    return members.get(name);
  }

  public OperatorUnderTest operator() {
    return operator;
  }

  /** Stops the operator and starts a new one on the same hub: a hub restart. */
  public void restartOperator(long downMillis) {
    operator.close();
    sleep(downMillis);
    operator = new OperatorUnderTest(hub());
  }

  public void putKubeconfig(String region, String kubeconfig) {
    hub()
        .resource(Fixtures.secret(SYSTEM, region + "-kubeconfig", Map.of("kubeconfig", kubeconfig)))
        .serverSideApply();
  }

  /** The region's API server cannot be reached and its routers stop publishing heartbeats. */
  public void cut(String region) {
    paths.get(region).cut();
    routers.stop(region);
  }

  public void restore(String region) {
    paths.get(region).restore();
    routers.start(namespace + "/" + router, region, 2, member(region));
  }

  /** Cuts the region's current path for good (after its kubeconfig moved to another path). */
  public void cutPathOnly(String region) {
    paths.get(region).cut();
  }

  public LLMRouterStatus status() {
    var status =
        hub().resources(LLMRouter.class).inNamespace(namespace).withName(router).get().getStatus();
    return status == null ? new LLMRouterStatus() : status;
  }

  public RouterRegionStatus entry(String region) {
    return status().regions.stream()
        .filter(r -> r.name.equals(region))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no status for region " + region + " yet"));
  }

  public Region region(String name) {
    return hub().resources(Region.class).withName(name).get();
  }

  /** The weights a region's routers were given for their peers, read from that region's cluster. */
  public Map<String, Integer> peerWeights(String region) {
    var client = client(region);
    var configMap =
        client.configMaps().inNamespace(namespace).withName(RoutingConfigMap.name(router)).get();
    var weights = new HashMap<String, Integer>();
    if (configMap == null) {
      return weights;
    }
    try {
      ConfigYaml.read(configMap.getData().get(RoutingConfigMap.TRAFFIC_KEY), TrafficConfig.class)
          .peers()
          .forEach(p -> weights.put(p.region(), p.weight()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return weights;
  }

  public List<String> regionNames() {
    var names = new ArrayList<String>();
    names.add("hub");
    names.addAll(members.keySet());
    return names;
  }

  private Region prepared(Region region, Consumer<Region> setup) {
    region.getSpec().redis = new RegionRedis();
    region.getSpec().redis.url = redis.url();
    region.getSpec().routerEndpoint =
        "http://router." + region.getMetadata().getName() + ".example:8080";
    setup.accept(region);
    return region;
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    if (routers != null) {
      routers.close();
    }
    workloads.forEach(FakeWorkloadController::close);
    paths.values().forEach(TcpProxy::close);
    members.values().forEach(ApiServer::stop);
    if (hubServer != null) {
      hubServer.stop();
    }
    if (redis != null) {
      redis.close();
    }
  }
}
