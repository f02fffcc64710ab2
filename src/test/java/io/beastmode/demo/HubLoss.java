package io.beastmode.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** The demo's last scene: the hub's control plane is lost and the standby hub takes over. */
interface HubLoss {
  /** Stops the hub's operator, cuts its API server off, and asks the standby to take over. */
  void lose();

  /** The standby's cluster once it is the hub and reconciles; empty until then. */
  Optional<KubernetesClient> promoted();
}
