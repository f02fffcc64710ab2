package io.beastmode.api.v1alpha1;

/** Upstream failures that make a router try the next model. */
public enum FallbackTrigger {
  timeout,
  serverError,
  rateLimited,
  connectionError
}
