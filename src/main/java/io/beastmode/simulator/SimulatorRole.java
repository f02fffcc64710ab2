package io.beastmode.simulator;

import io.beastmode.Role;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Serves the simulator on the application's own HTTP server when the role is simulator, with the
 * models of the YAML file {@code beastmode.simulator.config}, or {@link SimulatorConfig#defaults()}
 * when that is unset.
 */
@Singleton
public class SimulatorRole {
  private static final Logger LOG = Logger.getLogger(SimulatorRole.class);

  private final Role role;
  private final Optional<String> configFile;

  SimulatorRole(
      @ConfigProperty(name = "beastmode.role") Role role,
      @ConfigProperty(name = "beastmode.simulator.config") Optional<String> configFile) {
    this.role = role;
    this.configFile = configFile;
  }

  void mount(@Observes Router router) {
    if (role != Role.simulator) {
      return;
    }
    SimulatorConfig config =
        configFile.map(SimulatorRole::read).orElseGet(SimulatorConfig::defaults);
    LOG.infof("simulating %s", config.models().stream().map(SimulatedModel::name).toList());
    new Simulator(config).mount(router);
  }

  private static SimulatorConfig read(String file) {
    try {
      return SimulatorConfig.read(Files.readString(Path.of(file)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the simulator config " + file, e);
    }
  }
}
