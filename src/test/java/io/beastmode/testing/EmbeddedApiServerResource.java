package io.beastmode.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts a real API server with the CRDs before the application and points its client at it. */
public class EmbeddedApiServerResource implements QuarkusTestResourceLifecycleManager {
  static ApiServer server;
  private Path kubeconfig;

  public static ApiServer server() {
    return server;
  }

  @Override
  public Map<String, String> start() {
    server = ApiServer.start().withCrds();
    try {
      kubeconfig = Files.createTempFile("beastmode-kubeconfig", ".yaml");
      Files.writeString(kubeconfig, server.kubeconfig());
      // fabric8 reads this system property when it auto-configures the application's client.
      System.setProperty("kubeconfig", kubeconfig.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of("beastmode.role", "operator");
  }

  @Override
  public void stop() {
    System.clearProperty("kubeconfig");
    server.stop();
    TempFiles.delete(kubeconfig);
  }
}
