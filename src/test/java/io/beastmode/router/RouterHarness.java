package io.beastmode.router;

import io.beastmode.router.cache.CacheRedisOptions;
import io.beastmode.simulator.Outage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import jakarta.inject.Inject;
import java.net.URL;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the router's HTTP tests share: the router's API and management URLs, and a baseline before
 * each test (the simulators' models up, the routing config as {@link RouterTestResource} writes
 * it).
 */
abstract class RouterHarness {
  @TestHTTPResource("/")
  URL url;

  @TestHTTPResource(value = "/", management = true)
  URL management;

  @Inject MeterRegistry registry;

  @Inject CacheRedisOptions cacheRedisOptions;

  RouterClient router;

  @BeforeEach
  void baseline() {
    router = new RouterClient(url.toString(), management.toString());
    RouterTestResource.openai.simulator().configure(RouterTestResource.openaiModels());
    RouterTestResource.openWeights.simulator().configure(RouterTestResource.openWeightsModels());
    RouterTestResource.peer.simulator().outage(Outage.none);
    router.reconfigure(RouterTestResource.baseline());
  }
}
