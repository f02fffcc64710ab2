package io.beastmode.api.v1alpha1;

/** State of a circuit breaker in front of one backend. */
public enum CircuitState {
  Unknown,
  Closed,
  Open,
  HalfOpen
}
