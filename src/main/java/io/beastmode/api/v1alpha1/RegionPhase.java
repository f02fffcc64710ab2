package io.beastmode.api.v1alpha1;

/** Health of a region as the hub sees it. */
public enum RegionPhase {
  Unknown,
  Healthy,
  Degraded,
  Unreachable,
  Draining
}
