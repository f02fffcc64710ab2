package io.beastmode.operator.autoscale;

import io.beastmode.operator.RouterKey;
import io.beastmode.operator.RouterRegionKey;
import io.beastmode.operator.autoscale.PredictiveScaling.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last forecast per router and region. A forecast is redone at most once per refresh interval,
 * and the last one stands while a new one cannot be made, so capacity once raised is not dropped by
 * a Redis outage.
 */
final class ForecastCache {
  private record Timed(Instant at, Prediction prediction) {}

  private final Duration refresh;
  private final Map<RouterRegionKey, Timed> last = new ConcurrentHashMap<>();

  ForecastCache(Duration refresh) {
    this.refresh = refresh;
  }

  /** The last forecast when it was made less than the refresh interval before {@code now}. */
  Optional<Prediction> fresh(RouterRegionKey key, Instant now) {
    var timed = last.get(key);
    if (timed == null || Duration.between(timed.at(), now).compareTo(refresh) >= 0) {
      return Optional.empty();
    }
    return Optional.of(timed.prediction());
  }

  /** The last forecast, however old. */
  Optional<Prediction> last(RouterRegionKey key) {
    return Optional.ofNullable(last.get(key)).map(Timed::prediction);
  }

  void put(RouterRegionKey key, Prediction prediction, Instant at) {
    last.put(key, new Timed(at, prediction));
  }

  /** Drops every region's forecast of a deleted router. */
  void forget(RouterKey router) {
    last.keySet().removeIf(key -> key.router().equals(router));
  }
}
