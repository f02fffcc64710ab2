package io.beastmode.api.v1alpha1;

/** How a router chooses a model for an alias. */
public enum SelectionPolicy {
  cost,
  quality,
  latency,
  balanced,
  learned
}
