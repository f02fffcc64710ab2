package io.beastmode.testing;

import io.beastmode.fleet.RegionClients;
import io.beastmode.operator.pool.ModelPoolReconciler;
import io.beastmode.operator.region.RegionReconciler;
import io.beastmode.operator.router.LLMRouterReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;

/** The operator's controllers, registered as the operator role registers them, on a test's hub. */
public final class OperatorUnderTest implements AutoCloseable {
  public static final String ROUTER_IMAGE = "beast-mode:test";

  private final Operator operator;
  private final RegionClients clients;

  public OperatorUnderTest(KubernetesClient hub) {
    this.clients = new RegionClients(hub);
    this.operator = new Operator(o -> o.withKubernetesClient(hub).withCloseClientOnStop(false));
    operator.register(new RegionReconciler(clients, Clock.systemUTC()));
    operator.register(new ModelPoolReconciler(Clock.systemUTC()));
    operator.register(new LLMRouterReconciler(clients, ROUTER_IMAGE, Clock.systemUTC()));
    operator.start();
  }

  @Override
  public void close() {
    operator.stop();
    clients.close();
  }
}
