package io.beastmode.api.v1alpha1;

/** What a RestoreRequest does. */
public enum RestoreMode {
  Restore,
  PromoteStandby
}
