package io.beastmode.api.v1alpha1;

/** Who may call a router. */
public enum AccessMode {
  /** Only callers presenting an ApiKey that names the router; the key decides the tenant. */
  keys,
  /** Anyone who reaches the router; the tenant comes from the cache's tenant header. */
  open
}
