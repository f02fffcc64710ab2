package io.beastmode.router;

import static io.beastmode.router.RouterClient.chat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import io.beastmode.wire.ConfigYaml;
import io.beastmode.wire.RoutingConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One request of every kind through the router under test, since its meters are created on first
 * use: a miss, a hit, a bypass, a retry and a fallback, a Redis outage and a config reload.
 */
final class RequestsOfEveryKind {
  private RequestsOfEveryKind() {}

  static void serve(RouterClient router) {
    Vertx vertx = Vertx.vertx();
    // A model of its own that always fails, so its open circuit cannot disturb other tests.
    var flaky =
        SimulatorServer.start(
            vertx,
            0,
            new SimulatorConfig(
                List.of(new SimulatedModel("flaky", null, 0, 0, 0, 1.0, 500, Outage.none)),
                Outage.none));
    try {
      RoutingConfig base = RouterTestResource.baseline();
      var models = new ArrayList<>(base.models());
      models.add(
          RouterTestResource.model(
              "flaky", "flaky", flaky.baseUrl(), 0.1, 0.1, 0.9, 128_000, true));
      reconfigure(
          router,
          new RoutingConfig(
              base.router(),
              base.region(),
              models,
              base.selection(),
              base.cache(),
              base.fallback(),
              base.circuitBreaker(),
              base.limits()));

      String cached = chat("auto", "every kind " + unique());
      assertThat(header(router.post("/v1/chat/completions", cached), "x-beastmode-cache"))
          .isEqualTo("miss");
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  "hit"
                      .equals(
                          header(
                              router.post("/v1/chat/completions", cached), "x-beastmode-cache")));
      assertThat(
              header(
                  router.post("/v1/chat/completions", cached, "cache-control", "no-cache"),
                  "x-beastmode-cache"))
          .isEqualTo("bypass");

      HttpResponse<String> fellBack =
          router.post("/v1/chat/completions", chat("flaky", "fall back " + unique()));
      assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
      assertThat(header(fellBack, "x-beastmode-model")).isNotEqualTo("flaky");

      RouterTestResource.redis.stop();
      try {
        router.post("/v1/chat/completions", chat("auto", "no cache " + unique()));
      } finally {
        RouterTestResource.redis.startAgain();
      }
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  "hit"
                      .equals(
                          header(
                              router.post("/v1/chat/completions", cached), "x-beastmode-cache")));
    } finally {
      reconfigure(router, RouterTestResource.baseline());
      flaky.close();
      vertx.close();
    }
  }

  /** Writes the routing file and waits until the router applied it. */
  private static void reconfigure(RouterClient router, RoutingConfig config) {
    try {
      if (Files.readString(RouterTestResource.routingFile).equals(ConfigYaml.write(config))) {
        return;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double applied = router.metric("beastmode_router_config_reloads_total", "result=\"applied\"");
    RouterTestResource.write(config);
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () ->
                router.metric("beastmode_router_config_reloads_total", "result=\"applied\"")
                    > applied);
  }

  private static String header(HttpResponse<String> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
