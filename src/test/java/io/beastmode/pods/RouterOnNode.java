package io.beastmode.pods;

import static io.beastmode.testing.Fixtures.model;
import static io.beastmode.testing.Fixtures.pool;
import static io.beastmode.testing.Fixtures.region;
import static io.beastmode.testing.Fixtures.router;
import static org.awaitility.Awaitility.await;

import io.beastmode.api.v1alpha1.AccessMode;
import io.beastmode.api.v1alpha1.LLMRouter;
import io.beastmode.api.v1alpha1.RegionPlacement;
import io.beastmode.api.v1alpha1.RegionRedis;
import io.beastmode.bench.router.RouterMemoryBench;
import io.beastmode.testing.NodeRegion;
import io.beastmode.testing.OperatorUnderTest;
import io.beastmode.testing.PodImage;
import io.beastmode.testing.RedisServer;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * One router deployed by the operator (in this JVM) as real pods from the project's image, on a
 * region with a real node: the region's Redis on the host at the node's address, a simulator pod
 * behind a slow model, and the router's Service. What the pod tests share; each shapes the
 * LLMRouter its own way before it is created.
 */
final class RouterOnNode implements AutoCloseable {
  static final Duration POD_START = Duration.ofSeconds(240);
  static final String REGION = "local";
  static final String INSTANCE_LABEL = "app.kubernetes.io/instance";

  final String namespace;
  final String router;
  final NodeRegion region;
  final KubernetesClient client;
  final RedisServer redis;
  final OperatorUnderTest operator;

  /** The router's completions through its Service's ClusterIP (kube-proxy's rules on this host). */
  final String serviceUrl;

  private RouterOnNode(
      String namespace,
      String router,
      NodeRegion region,
      RedisServer redis,
      OperatorUnderTest operator) {
    this.namespace = namespace;
    this.router = router;
    this.region = region;
    this.client = region.client();
    this.redis = redis;
    this.operator = operator;
    String clusterIp =
        client.services().inNamespace(namespace).withName(router).get().getSpec().getClusterIP();
    this.serviceUrl = "http://" + clusterIp + ":8080/v1/chat/completions";
  }

  /**
   * Starts the region and deploys {@code router} (open access, one replica in the region) shaped by
   * {@code shape}; returns once one of its pods is Ready.
   */
  static RouterOnNode start(String namespace, String router, Consumer<LLMRouter> shape) {
    long started = System.nanoTime();
    NodeRegion region = NodeRegion.start();
    RedisServer redis = null;
    OperatorUnderTest operator = null;
    try {
      region.importImage(PodImage.archive());
      region.apiServer().withCrds();
      var client = region.client();
      // The routers reach it at the node's address; loopback would be their own.
      redis = RedisServer.start(region.nodeIp());
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      String simulatorIp = SimulatorPod.start(region, namespace, POD_START);

      var local = region(REGION, 2);
      local.getSpec().redis = new RegionRedis();
      local.getSpec().redis.url = redis.url();
      client.resource(local).create();
      var slow = model(RouterMemoryBench.MODEL, 2.5, 10, 0.9);
      // No cluster DNS in the node region: the simulator pod by its address.
      slow.endpoints.get(0).url = "http://" + simulatorIp + ":8080/v1";
      client.resource(pool(namespace, "simulated", slow)).create();
      var llmRouter = router(namespace, router, List.of("simulated"));
      llmRouter.getSpec().regions = List.of(new RegionPlacement(REGION, 1));
      llmRouter.getSpec().access.mode = AccessMode.open;
      shape.accept(llmRouter);
      client.resource(llmRouter).create();
      operator = new OperatorUnderTest(client, PodImage.REFERENCE);
      String pod = awaitReadyPods(region, namespace, router, 1).get(0);
      var fixture = new RouterOnNode(namespace, router, region, redis, operator);
      System.out.printf(
          "router pod %s ready %.0f s after the start (node region, image import, operator)%n",
          pod, (System.nanoTime() - started) / 1e9);
      return fixture;
    } catch (RuntimeException | Error e) {
      if (operator != null) {
        operator.close();
      }
      region.close();
      if (redis != null) {
        redis.close();
      }
      throw e;
    }
  }

  /** The router's Ready pods, by name, once there are at least {@code count}. */
  List<String> awaitReadyPods(int count) {
    return awaitReadyPods(region, namespace, router, count);
  }

  /**
   * The router's pods that are Ready and not being deleted: the operator's Deployment made them.
   */
  List<String> readyPods() {
    return region.readyPods(namespace, INSTANCE_LABEL, router);
  }

  private static List<String> awaitReadyPods(
      NodeRegion region, String namespace, String router, int count) {
    return await()
        .atMost(POD_START)
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> region.readyPods(namespace, INSTANCE_LABEL, router),
            pods -> pods.size() >= count);
  }

  @Override
  public void close() {
    operator.close();
    region.close();
    redis.close();
  }
}
