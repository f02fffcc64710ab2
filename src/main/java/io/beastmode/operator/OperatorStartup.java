package io.beastmode.operator;

import io.beastmode.Role;
import io.beastmode.operator.hub.HubStartup;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the controllers when the role is operator. quarkus-operator-sdk's own start is switched
 * off at build time because the same image also runs routers and simulators.
 */
@Singleton
public class OperatorStartup {
  private static final Logger LOG = Logger.getLogger(OperatorStartup.class);

  private final Role role;
  private final Instance<Operator> operator;
  private final OperatorLeaderElection leaderElection;
  private final Instance<HubStartup> hub;

  OperatorStartup(
      @ConfigProperty(name = "beastmode.role") Role role,
      Instance<Operator> operator,
      OperatorLeaderElection leaderElection,
      Instance<HubStartup> hub) {
    this.role = role;
    this.operator = operator;
    this.leaderElection = leaderElection;
    this.hub = hub;
  }

  void onStart(@Observes StartupEvent event) {
    if (role != Role.operator) {
      return;
    }
    LOG.info("starting the BEAST MODE operator");
    hub.get().start(this::startControllers);
  }

  /**
   * A promoted standby starts its controllers long after start-up; if they cannot start (an
   * informer's first list failed), the process exits and starts again, as the active hub its record
   * now says it is.
   */
  private void startControllers() {
    try {
      operator.get().start();
    } catch (RuntimeException e) {
      LOG.error("the controllers did not start; exiting so the pod starts again", e);
      Quarkus.asyncExit(1);
      throw e;
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (role == Role.operator && operator.isResolvable()) {
      leaderElection.shuttingDown();
      hub.get().stop();
      operator.get().stop();
    }
  }
}
