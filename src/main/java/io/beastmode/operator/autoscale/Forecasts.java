package io.beastmode.operator.autoscale;

import io.beastmode.api.v1alpha1.Region;
import io.beastmode.operator.CallFailures;
import io.beastmode.operator.ManagedLabels;
import io.beastmode.operator.RouterKey;
import io.beastmode.operator.RouterRegionKey;
import io.beastmode.operator.autoscale.PredictiveScaling.Prediction;
import io.beastmode.operator.fleet.MemberCallResults;
import io.beastmode.operator.fleet.RedisAddress;
import io.beastmode.operator.fleet.RegionRedisClients;
import io.beastmode.operator.fleet.RouterUsage;
import io.beastmode.operator.resolved.ResolvedRouter;
import io.beastmode.operator.traffic.RouterTraffic;
import io.beastmode.wire.LatencyHistogram;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Predictive scaling for each region of a router: its request-rate history from Redis, its routers'
 * capacity (from the spec, or learned from their latency) and start-up time (from its pods) go into
 * {@link PredictiveScaling}. A forecast is refreshed at most once a minute; when Redis cannot be
 * read, or a region's API server is slow to list its pods, the last one stands, so an outage never
 * drops capacity that was raised. Regions are forecast side by side on the member-call threads.
 */
public final class Forecasts {
  private static final Logger LOG = Logger.getLogger(Forecasts.class);
  public static final Duration REFRESH = Duration.ofSeconds(60);
  static final Duration LATENCY_WINDOW = Duration.ofMinutes(15);
  static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);

  /** How long a reconcile waits for its regions' forecasts: two Redis reads and a pod listing. */
  public static final Duration WAIT = Duration.ofSeconds(3);

  private final RouterUsage usage;
  private final Executor calls;
  private final Duration wait;
  private final ForecastCache cache = new ForecastCache(REFRESH);
  private final Map<RouterRegionKey, CompletableFuture<Optional<Prediction>>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * @param calls threads the regions' forecasts run on, side by side
   * @param wait how long a reconcile waits for them; a region's forecast that takes longer (its API
   *     server hangs while its pods are listed) goes on and is used once it is made, and until then
   *     the region's last one stands
   */
  public Forecasts(RouterUsage usage, Executor calls, Duration wait) {
    this.usage = usage;
    this.calls = calls;
    this.wait = wait;
  }

  /** Predictions per region; none when predictive scaling is off or a region has no Redis. */
  public Map<String, Prediction> predict(
      ResolvedRouter inputs, Function<Region, Optional<KubernetesClient>> clients, Instant now) {
    var autoscaling = inputs.router().getSpec().autoscaling;
    var predictions = new LinkedHashMap<String, Prediction>();
    if (!autoscaling.enabled || !autoscaling.predictive) {
      return predictions;
    }
    var router = inputs.key();
    var made = new LinkedHashMap<RouterRegionKey, CompletableFuture<Optional<Prediction>>>();
    for (var region : inputs.regions()) {
      if (region.getSpec().redis == null) {
        continue;
      }
      var key = new RouterRegionKey(router, region.getMetadata().getName());
      var fresh = cache.fresh(key, now);
      if (fresh.isPresent()) {
        predictions.put(key.region(), fresh.get());
      } else {
        // One forecast per region at a time: a region whose last one still waits gets no other.
        made.put(
            key,
            inFlight.computeIfAbsent(
                key, k -> startForecast(k, inputs, region, clients.apply(region), now)));
      }
    }
    long deadline = System.nanoTime() + wait.toNanos();
    made.forEach(
        (key, forecast) ->
            MemberCallResults.by(forecast, deadline)
                .flatMap(prediction -> prediction)
                .or(() -> cache.last(key))
                .ifPresent(prediction -> predictions.put(key.region(), prediction)));
    return predictions;
  }

  private CompletableFuture<Optional<Prediction>> startForecast(
      RouterRegionKey key,
      ResolvedRouter inputs,
      Region region,
      Optional<KubernetesClient> client,
      Instant now) {
    var forecast =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                var prediction = forecast(inputs, region, key.router().toString(), client, now);
                cache.put(key, prediction, now);
                return Optional.of(prediction);
              } catch (RegionRedisClients.Unavailable e) {
                LOG.debugf(
                    "router %s region %s: no forecast, Redis unreadable (%s)",
                    key.router(), key.region(), e.getMessage());
                return Optional.<Prediction>empty();
              }
            },
            calls);
    forecast.whenComplete((prediction, failure) -> inFlight.remove(key, forecast));
    return forecast;
  }

  public void forget(RouterKey router) {
    cache.forget(router);
  }

  private Prediction forecast(
      ResolvedRouter inputs,
      Region region,
      String router,
      Optional<KubernetesClient> client,
      Instant now)
      throws RegionRedisClients.Unavailable {
    var autoscaling = inputs.router().getSpec().autoscaling;
    String url = RedisAddress.of(region.getSpec().redis);
    String name = region.getMetadata().getName();
    var history = usage.rates(url, router, name, now, REDIS_TIMEOUT);
    var recent =
        usage
            .windows(url, router, name, List.of(LATENCY_WINDOW), now, REDIS_TIMEOUT)
            .get(LATENCY_WINDOW);
    double rate =
        PredictiveScaling.ratePerReplica(
            autoscaling.requestsPerSecondPerReplica,
            autoscaling.targetInFlightPerPod,
            LatencyHistogram.meanMillis(recent.latencyCounts()) / 1000);
    int startup =
        client.map(c -> startupSeconds(c, inputs.namespaceIn(region), inputs.name())).orElse(0);
    int lead = Math.max(autoscaling.predictiveLeadSeconds, startup);
    return PredictiveScaling.predict(
        history.requestsPerBucket(),
        history.secondsIntoBucket(),
        lead,
        rate,
        RouterTraffic.floor(inputs, region),
        RouterTraffic.maxReplicas(inputs, region));
  }

  /**
   * Longest time a current router pod took from creation to ready, at most an hour (a pod that was
   * unready for a while later says nothing about start-up); 0 when none is ready yet.
   */
  static int startupSeconds(KubernetesClient client, String namespace, String router) {
    try {
      int longest =
          client
              .pods()
              .inNamespace(namespace)
              .withLabels(ManagedLabels.podSelector(router))
              .list()
              .getItems()
              .stream()
              .mapToInt(Forecasts::startupSeconds)
              .max()
              .orElse(0);
      return Math.min(longest, 3600);
    } catch (KubernetesClientException e) {
      LOG.debugf(
          "router %s/%s: pods not read, start-up time unknown: %s",
          namespace, router, CallFailures.describe(e));
      return 0;
    }
  }

  private static int startupSeconds(Pod pod) {
    if (pod.getStatus() == null
        || pod.getStatus().getConditions() == null
        || pod.getMetadata().getCreationTimestamp() == null) {
      return 0;
    }
    return pod.getStatus().getConditions().stream()
        .filter(
            c ->
                "Ready".equals(c.getType())
                    && "True".equals(c.getStatus())
                    && c.getLastTransitionTime() != null)
        .mapToInt(
            c ->
                (int)
                    Duration.between(
                            Instant.parse(pod.getMetadata().getCreationTimestamp()),
                            Instant.parse(c.getLastTransitionTime()))
                        .toSeconds())
        .max()
        .orElse(0);
  }
}
