package io.beastmode.operator;

import io.beastmode.api.v1alpha1.BackupPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A restore creating a snapshot's objects holds their controllers off until every object is in
 * place, so none acts on half a platform (a router before its pools and keys, a policy before the
 * restore is done). The controllers check it first thing.
 */
public final class RestoreHold {
  /**
   * How soon a held object is looked at again: lifting the hold changes only an annotation, which
   * does not wake a controller that skips updates of the same generation.
   */
  public static final java.time.Duration RECHECK = java.time.Duration.ofSeconds(2);

  private RestoreHold() {}

  public static boolean held(HasMetadata object) {
    var annotations = object.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(BackupPolicy.RESTORING_ANNOTATION);
  }
}
