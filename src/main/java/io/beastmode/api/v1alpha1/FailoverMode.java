package io.beastmode.api.v1alpha1;

/** How traffic is spread over healthy regions. */
public enum FailoverMode {
  activeActive,
  activePassive
}
