package io.beastmode.api.v1alpha1;

/** What the response cache matches on. */
public enum CacheMode {
  off,
  exact,
  semantic
}
