package io.beastmode;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Settings that follow from the role. Routers and simulators never start the operator, so the
 * operator's health check must not judge them: it would report them down (no controllers running)
 * and fail their readiness probes.
 */
public class RoleDefaults implements ConfigSourceFactory {
  static final String OPERATOR_HEALTH_CHECK =
      "quarkus.smallrye-health.check.\"io.quarkiverse.operatorsdk.runtime.OperatorHealthCheck\".enabled";

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue role = context.getValue("beastmode.role");
    if (role == null || role.getValue() == null || Role.operator.name().equals(role.getValue())) {
      return List.of();
    }
    // Below application.properties (250), so an explicit setting still wins.
    return List.of(
        new PropertiesConfigSource(
            Map.of(OPERATOR_HEALTH_CHECK, "false"), "beastmode-role-defaults", 200));
  }
}
