package io.beastmode.router;

import static io.beastmode.router.RouterClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.simulator.Outage;
import io.beastmode.simulator.SimulatedModel;
import io.beastmode.simulator.SimulatorConfig;
import io.beastmode.simulator.SimulatorServer;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What the router tests check answers with, and how they break a backend. */
final class RouterChecks {
  private RouterChecks() {}

  static String header(HttpResponse<?> response, String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  static String unique() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  static void assertError(HttpResponse<String> response, int status, String param) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode error = json(response).path("error");
    assertThat(error.path("message").asText()).isNotBlank();
    assertThat(error.path("type").asText()).isNotBlank();
    if (param != null) {
      assertThat(error.path("param").asText()).isEqualTo(param);
    }
  }

  static void failModel(SimulatorServer server, String model, int status) {
    List<SimulatedModel> models = new ArrayList<>();
    for (SimulatedModel m : server.simulator().config().models()) {
      models.add(
          m.name().equals(model)
              ? new SimulatedModel(model, null, 0, 0, 0, 1.0, status, Outage.none)
              : m);
    }
    server.simulator().configure(new SimulatorConfig(models, Outage.none));
  }

  interface Call {
    HttpResponse<String> send(int index) throws Exception;
  }

  static List<HttpResponse<String>> concurrently(int count, int threads, Call call)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit(() -> call.send(index)));
      }
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (Future<HttpResponse<String>> future : futures) {
        responses.add(future.get(60, TimeUnit.SECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }
}
