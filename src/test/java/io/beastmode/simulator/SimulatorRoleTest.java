package io.beastmode.simulator;

import static io.beastmode.simulator.SimulatorClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.beastmode.Role;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only the simulator role serves the simulator, with the models of its config file. */
class SimulatorRoleTest extends SimulatorHarness {
  @Override
  String config() {
    return null;
  }

  @Test
  void otherRolesMountNothing() {
    for (Role role : List.of(Role.operator, Role.router)) {
      Router router = Router.router(vertx);
      new SimulatorRole(role, Optional.of(SimulatorConfigTest.EXAMPLE.toString())).mount(router);
      assertThat(router.getRoutes()).as(role.name()).isEmpty();
    }
  }

  @Test
  void simulatorRoleServesTheModelsOfItsConfigFile() throws Exception {
    Router router = Router.router(vertx);
    new SimulatorRole(Role.simulator, Optional.of(SimulatorConfigTest.EXAMPLE.toString()))
        .mount(router);

    // OpenAI's list names the models on OpenAI's API; the Anthropic and Azure ones answer
    // elsewhere.
    assertThat(modelsServedBy(router))
        .containsExactly(
            "gpt-4o", "gpt-4o-mini", "llama-3.1-70b", "llama-3.1-8b", "text-embedding-3-small");
  }

  @Test
  void simulatorRoleWithoutAConfigFileServesTheDefaults() throws Exception {
    Router router = Router.router(vertx);
    new SimulatorRole(Role.simulator, Optional.empty()).mount(router);

    assertThat(modelsServedBy(router))
        .containsExactlyElementsOf(
            SimulatorConfig.defaults().models().stream().map(SimulatedModel::name).toList());
  }

  /** The model ids GET /v1/models lists when {@code router} serves HTTP. */
  static List<String> modelsServedBy(Router router) throws Exception {
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    try {
      var models = URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/models");
      var response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString());
      return json(response).get("data").findValuesAsText("id");
    } finally {
      server.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
