package io.beastmode.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.beastmode.wire.ConfigYaml;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * What a simulator serves: its models and a switch that takes all of them down at once. Read from
 * YAML (the {@code beastmode.simulator.config} file) or JSON ({@code PUT /sim/config}).
 *
 * @param models the models, each name once
 * @param outage applies to every model when not none (default none)
 */
public record SimulatorConfig(List<SimulatedModel> models, Outage outage) {

  public SimulatorConfig {
    models = models == null ? List.of() : List.copyOf(models);
    if (outage == null) {
      outage = Outage.none;
    }
    var names = new HashSet<String>();
    for (SimulatedModel model : models) {
      if (!names.add(model.name())) {
        throw new IllegalArgumentException("model " + model.name() + " is listed twice");
      }
    }
  }

  /** gpt-4o, gpt-4o-mini and llama-3.1-8b, echoing after 40, 15 and 5 ms. */
  public static SimulatorConfig defaults() {
    return new SimulatorConfig(
        List.of(
            SimulatedModel.echo("gpt-4o", 40),
            SimulatedModel.echo("gpt-4o-mini", 15),
            SimulatedModel.echo("llama-3.1-8b", 5)),
        Outage.none);
  }

  /** Reads a config from YAML, or from JSON, which is YAML too. */
  public static SimulatorConfig read(String yaml) throws JsonProcessingException {
    SimulatorConfig config = ConfigYaml.read(yaml, SimulatorConfig.class);
    if (config == null) {
      throw new IllegalArgumentException("the simulator config is empty");
    }
    return config;
  }

  public Optional<SimulatedModel> model(String name) {
    for (SimulatedModel model : models) {
      if (model.name().equals(name)) {
        return Optional.of(model);
      }
    }
    return Optional.empty();
  }

  public SimulatorConfig withOutage(Outage outage) {
    return new SimulatorConfig(models, outage);
  }
}
