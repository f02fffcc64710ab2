package io.beastmode.bench;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.beastmode.api.v1alpha1.NamedReference;
import io.beastmode.api.v1alpha1.RestoreMode;
import io.beastmode.api.v1alpha1.RestorePhase;
import io.beastmode.api.v1alpha1.RestoreRequest;
import io.beastmode.api.v1alpha1.RestoreRequestSpec;
import io.beastmode.api.v1alpha1.SnapshotRecord;
import io.beastmode.testing.Fixtures;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub-level recovery steps the benchmarks time (bench-dr, bench-hub-failover, bench-scale): a
 * backup taken now, a RestoreRequest's phase, a standby's promotion and its recorded steps.
 */
final class HubRecovery {
  private HubRecovery() {}

  /**
   * Asks the policy for a backup now (a new value of the backup-now annotation) and waits until it
   * is taken; the newest snapshot's record.
   */
  static SnapshotRecord backupNow(
      KubernetesClient hub, String namespace, String policy, String request, long timeoutMs) {
    var policies = hub.resources(BackupPolicy.class).inNamespace(namespace).withName(policy);
    Fixtures.edit(
        policies,
        p -> {
          if (p.getMetadata().getAnnotations() == null) {
            p.getMetadata().setAnnotations(new HashMap<>());
          }
          p.getMetadata().getAnnotations().put(BackupPolicy.BACKUP_NOW_ANNOTATION, request);
        });
    Timing.waitFor(
        () -> {
          var status = policies.get().getStatus();
          return status != null && request.equals(status.lastBackupRequest);
        },
        timeoutMs,
        "the snapshot " + request + " taken");
    return policies.get().getStatus().snapshots.get(0);
  }

  /** A RestoreRequest of the hub's state from its own policy's newest restore point. */
  static void restoreFromPolicy(
      KubernetesClient hub, String namespace, String name, String policy) {
    var request = request(namespace, name);
    request.getSpec().backupPolicyRef = new NamedReference(policy);
    hub.resource(request).create();
  }

  /** Promotes the standby hub whose cluster {@code standby} is, as automation watching would. */
  static void promoteStandby(
      KubernetesClient standby,
      String namespace,
      String name,
      String standbyRegion,
      boolean oldHubGone) {
    var request = request(namespace, name);
    request.getSpec().mode = RestoreMode.PromoteStandby;
    request.getSpec().standbyRegion = standbyRegion;
    request.getSpec().oldHubGone = oldHubGone;
    standby.resource(request).create();
  }

  static RestoreRequest request(String namespace, String name) {
    var request = new RestoreRequest();
    request.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    request.setSpec(new RestoreRequestSpec());
    return request;
  }

  static RestoreRequest get(KubernetesClient hub, String namespace, String name) {
    return hub.resources(RestoreRequest.class).inNamespace(namespace).withName(name).get();
  }

  /** The request's phase (null before it has one); a failed request ends the wait at once. */
  static RestorePhase phase(KubernetesClient hub, String namespace, String name) {
    var request = get(hub, namespace, name);
    var status = request == null ? null : request.getStatus();
    if (status != null && status.phase == RestorePhase.Failed) {
      throw new IllegalStateException(name + " failed: " + status.conditions);
    }
    return status == null ? null : status.phase;
  }

  /** The request's objects are in place (it is past Pending). */
  static boolean applied(KubernetesClient hub, String namespace, String name) {
    var phase = phase(hub, namespace, name);
    return phase != null && phase != RestorePhase.Pending;
  }

  static boolean succeeded(KubernetesClient hub, String namespace, String name) {
    return phase(hub, namespace, name) == RestorePhase.Succeeded;
  }

  /** Seconds from detection to each step, as the promotion recorded them (whole seconds). */
  static Map<String, Long> promotionSteps(KubernetesClient hub, String namespace, String name) {
    var promotion = get(hub, namespace, name).getStatus().promotion;
    var detected = Instant.parse(promotion.detectedTime);
    var steps = new LinkedHashMap<String, Long>();
    steps.put("decided", since(detected, promotion.decidedTime));
    steps.put("fenced", since(detected, promotion.fencedTime));
    steps.put("restored", since(detected, promotion.restoredTime));
    steps.put("reconciling", since(detected, promotion.reconcilingTime));
    return steps;
  }

  static long since(Instant from, String to) {
    return Duration.between(from, Instant.parse(to)).toSeconds();
  }
}
