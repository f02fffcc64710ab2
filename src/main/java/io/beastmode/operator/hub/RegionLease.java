package io.beastmode.operator.hub;

import io.beastmode.operator.hub.HubLeaseRules.LeaseView;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The hub Lease in one region's own cluster: who the hub is and its epoch. Every write carries the
 * resourceVersion read, so of two hubs writing at once only one succeeds.
 */
final class RegionLease {
  static final String NAME = "beastmode-hub";
  static final String EPOCH_ANNOTATION = "beastmode.io/hub-epoch";

  private RegionLease() {}

  static Optional<Lease> read(KubernetesClient cluster, String namespace) {
    return Optional.ofNullable(cluster.leases().inNamespace(namespace).withName(NAME).get());
  }

  static Optional<LeaseView> view(Optional<Lease> lease) {
    return lease.map(
        l -> {
          var spec = l.getSpec();
          var annotations = l.getMetadata().getAnnotations();
          String epoch = annotations == null ? null : annotations.get(EPOCH_ANNOTATION);
          return new LeaseView(
              spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity(),
              epoch == null ? 0 : Long.parseLong(epoch),
              Duration.ofSeconds(
                  spec.getLeaseDurationSeconds() == null ? 0 : spec.getLeaseDurationSeconds()));
        });
  }

  /** Takes the Lease (creates it, or replaces an older hub's) or renews ours. */
  static Lease write(
      KubernetesClient cluster,
      String namespace,
      Optional<Lease> current,
      String hub,
      long epoch,
      Duration duration,
      Instant now) {
    var time = now.atZone(ZoneOffset.UTC);
    if (current.isEmpty()) {
      return cluster
          .leases()
          .inNamespace(namespace)
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName(NAME)
                  .withNamespace(namespace)
                  .addToAnnotations(EPOCH_ANNOTATION, Long.toString(epoch))
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity(hub)
                  .withLeaseDurationSeconds((int) duration.toSeconds())
                  .withAcquireTime(time)
                  .withRenewTime(time)
                  .withLeaseTransitions(0)
                  .endSpec()
                  .build())
          .create();
    }
    var lease = current.get();
    var spec = lease.getSpec();
    boolean taken = !hub.equals(spec.getHolderIdentity());
    var next =
        new LeaseBuilder(lease)
            .editMetadata()
            .addToAnnotations(EPOCH_ANNOTATION, Long.toString(epoch))
            .endMetadata()
            .editSpec()
            .withHolderIdentity(hub)
            .withLeaseDurationSeconds((int) duration.toSeconds())
            .withRenewTime(time)
            .endSpec()
            .build();
    if (taken) {
      next.getSpec().setAcquireTime(time);
      next.getSpec()
          .setLeaseTransitions(
              (spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()) + 1);
    }
    // update() sends the resourceVersion read: a 409 if another hub wrote in between.
    return cluster.leases().inNamespace(namespace).resource(next).update();
  }
}
