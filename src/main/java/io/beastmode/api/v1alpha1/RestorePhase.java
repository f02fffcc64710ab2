package io.beastmode.api.v1alpha1;

/** Progress of a restore. */
public enum RestorePhase {
  Pending,
  Running,
  Succeeded,
  Failed
}
