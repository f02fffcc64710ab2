package io.beastmode.simulator;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One Vert.x per test class and, when the class names a config, a fresh simulator on a random port
 * for every test, reached over real HTTP through {@link #client}.
 */
abstract class SimulatorHarness {
  static Vertx vertx;
  SimulatorServer server;
  SimulatorClient client;

  /** The YAML config each test's simulator starts from; null starts none. */
  abstract String config();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
  }

  @BeforeEach
  void startSimulator() throws Exception {
    if (config() != null) {
      server = SimulatorServer.start(vertx, 0, SimulatorConfig.read(config()));
      client = new SimulatorClient(server);
    }
  }

  @AfterEach
  void stopSimulator() {
    if (server != null) {
      server.close();
    }
  }
}
