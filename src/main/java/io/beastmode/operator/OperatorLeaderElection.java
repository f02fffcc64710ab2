package io.beastmode.operator;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Leader election, so the operator can run more than one replica (the Helm chart runs two): the
 * replica holding the Lease reconciles, the others keep their caches warm and wait to take over.
 * Off by default: the tests and the local demo run one operator from outside any cluster.
 */
@Singleton
public class OperatorLeaderElection {
  private static final Logger LOG = Logger.getLogger(OperatorLeaderElection.class);

  private final Runnable exit;
  private volatile boolean shuttingDown;

  @Inject
  public OperatorLeaderElection() {
    this(() -> System.exit(1));
  }

  /** {@code exit} ends the process when the lease is lost; tests pass a stand-in. */
  public OperatorLeaderElection(Runnable exit) {
    this.exit = exit;
  }

  /**
   * Read by quarkus-operator-sdk when it builds the Operator (in the prod profile); null means no
   * leader election. Without a lease namespace, the namespace of the service account is used.
   */
  @Produces
  @Dependent
  LeaderElectionConfiguration configuration(
      @ConfigProperty(name = "beastmode.leader-election.enabled") boolean enabled,
      @ConfigProperty(name = "beastmode.leader-election.lease-name") String leaseName,
      @ConfigProperty(name = "beastmode.leader-election.lease-namespace")
          Optional<String> leaseNamespace) {
    return enabled ? configuration(leaseName, leaseNamespace.orElse(null), null) : null;
  }

  /**
   * The lease {@code leaseName} in {@code leaseNamespace}, held as {@code identity} (null: the pod
   * name).
   */
  public LeaderElectionConfiguration configuration(
      String leaseName, String leaseNamespace, String identity) {
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(leaseName)
        .withLeaseNamespace(leaseNamespace)
        .withIdentity(identity)
        // JOSDK 5.2 would exit inside its own callback, also when the lease is given up at
        // shutdown,
        // where System.exit in the shutdown hook deadlocks; stoppedLeading decides instead.
        .withExitOnStopLeading(false)
        .withLeaderCallbacks(
            new LeaderCallbacks(
                () -> LOG.infof("leading: this replica reconciles (lease %s)", leaseName),
                this::stoppedLeading,
                leader -> LOG.infof("lease %s is held by %s", leaseName, leader)))
        .build();
  }

  /** Called before the operator stops, so giving up the lease then is not taken for losing it. */
  public void shuttingDown() {
    shuttingDown = true;
  }

  private void stoppedLeading() {
    if (shuttingDown) {
      return;
    }
    // Another replica may hold the lease by now: reconciling on would run two operators at once.
    LOG.error("lost the leader lease; exiting so this replica restarts as a standby");
    exit.run();
  }
}
