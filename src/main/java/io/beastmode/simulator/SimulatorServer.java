package io.beastmode.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

/**
 * A {@link Simulator} on its own HTTP server on 127.0.0.1, for tests and the demo launcher. Its
 * methods block, so call them from a plain thread, never from an event loop.
 */
public final class SimulatorServer implements AutoCloseable {
  private final HttpServer server;
  private final Simulator simulator;

  private SimulatorServer(HttpServer server, Simulator simulator) {
    this.server = server;
    this.simulator = simulator;
  }

  /** Starts serving {@code config} on {@code port}, or on a free port when 0, once listening. */
  public static SimulatorServer start(Vertx vertx, int port, SimulatorConfig config) {
    var simulator = new Simulator(config);
    Router router = Router.router(vertx);
    simulator.mount(router);
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(port, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .join();
    return new SimulatorServer(server, simulator);
  }

  public int port() {
    return server.actualPort();
  }

  /** The OpenAI base URL clients are given, ending in /v1. */
  public String baseUrl() {
    return origin() + "/v1";
  }

  /** Scheme, host and port: the base URL of Anthropic clients and the endpoint of Azure's. */
  public String origin() {
    return "http://127.0.0.1:" + port();
  }

  public Simulator simulator() {
    return simulator;
  }

  /** Stops listening and closes open connections, hanging ones included. */
  @Override
  public void close() {
    server.close().toCompletionStage().toCompletableFuture().join();
  }
}
