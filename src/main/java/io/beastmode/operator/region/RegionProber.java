package io.beastmode.operator.region;

import io.beastmode.operator.CallFailures;
import io.beastmode.operator.ManagedLabels;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Probes a region's cluster: API reachability and latency, and how many routers are ready. */
public final class RegionProber {

  private RegionProber() {}

  /**
   * @param calls where the call runs, so that a member that never answers holds one of its threads
   *     for at most the client's request timeout, not the caller's
   */
  public static ProbeResult probe(KubernetesClient client, Duration timeout, Executor calls) {
    long started = System.nanoTime();
    var call =
        CompletableFuture.supplyAsync(
            () ->
                client
                    .apps()
                    .deployments()
                    .inAnyNamespace()
                    .withLabel(ManagedLabels.MANAGED_BY_KEY, ManagedLabels.MANAGED_BY)
                    .list(),
            calls);
    try {
      var deployments = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS).getItems();
      long latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
      int ready = deployments.stream().mapToInt(RegionProber::ready).sum();
      int desired = deployments.stream().mapToInt(RegionProber::desired).sum();
      return new ProbeResult(true, latency, ready, desired, null, null, null);
    } catch (TimeoutException e) {
      call.cancel(true);
      return ProbeResult.unreachable(
          "API server did not answer within " + timeout.toSeconds() + "s");
    } catch (ExecutionException e) {
      return ProbeResult.unreachable(
          "API server call failed: " + CallFailures.describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.unreachable("probe interrupted");
    }
  }

  static int ready(Deployment d) {
    return d.getStatus() == null || d.getStatus().getReadyReplicas() == null
        ? 0
        : d.getStatus().getReadyReplicas();
  }

  static int desired(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }
}
