package io.beastmode.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.operator.RouterKey;
import io.beastmode.operator.RouterRegionKey;
import io.beastmode.operator.autoscale.PredictiveScaling.Prediction;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ForecastCacheTest {
  static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  static final Duration REFRESH = Duration.ofSeconds(60);
  static final RouterKey CHAT = new RouterKey("team-a", "chat");
  static final RouterKey EMBED = new RouterKey("team-a", "embed");
  static final RouterRegionKey CHAT_EU = new RouterRegionKey(CHAT, "eu");
  static final RouterRegionKey CHAT_US = new RouterRegionKey(CHAT, "us");
  static final RouterRegionKey EMBED_EU = new RouterRegionKey(EMBED, "eu");

  static Prediction prediction(int minReplicas) {
    return new Prediction(12.5 * minReplicas, 120, minReplicas, false);
  }

  @Test
  void aForecastIsFreshWithinTheRefreshInterval() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    assertThat(cache.fresh(CHAT_EU, T0)).contains(prediction(3));
    assertThat(cache.fresh(CHAT_EU, T0.plus(REFRESH).minusMillis(1))).contains(prediction(3));
  }

  @Test
  void aForecastIsStaleAtAndAfterTheRefreshInterval() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    assertThat(cache.fresh(CHAT_EU, T0.plus(REFRESH))).isEmpty();
    assertThat(cache.fresh(CHAT_EU, T0.plus(REFRESH).plusSeconds(3600))).isEmpty();
  }

  @Test
  void nothingIsFreshOrLastBeforeAForecastIsMade() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    assertThat(cache.fresh(CHAT_US, T0)).isEmpty();
    assertThat(cache.last(CHAT_US)).isEmpty();
  }

  @Test
  void theLastForecastSurvivesStaleness() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    assertThat(cache.last(CHAT_EU)).contains(prediction(3));
    assertThat(cache.fresh(CHAT_EU, T0.plus(Duration.ofDays(1)))).isEmpty();
    assertThat(cache.last(CHAT_EU)).contains(prediction(3));
  }

  @Test
  void aNewForecastReplacesTheLastAndRestartsTheInterval() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    cache.put(CHAT_EU, prediction(5), T0.plusSeconds(90));
    assertThat(cache.last(CHAT_EU)).contains(prediction(5));
    assertThat(cache.fresh(CHAT_EU, T0.plusSeconds(120))).contains(prediction(5));
  }

  @Test
  void forgettingARouterDropsOnlyItsRegions() {
    var cache = new ForecastCache(REFRESH);
    cache.put(CHAT_EU, prediction(3), T0);
    cache.put(CHAT_US, prediction(4), T0);
    cache.put(EMBED_EU, prediction(2), T0);

    cache.forget(CHAT);

    assertThat(cache.last(CHAT_EU)).isEmpty();
    assertThat(cache.last(CHAT_US)).isEmpty();
    assertThat(cache.fresh(CHAT_EU, T0)).isEmpty();
    assertThat(cache.last(EMBED_EU)).contains(prediction(2));
    assertThat(cache.fresh(EMBED_EU, T0)).contains(prediction(2));
  }
}
