package io.beastmode.api.v1alpha1;

/** Kubernetes Service types a router may be exposed with. */
public enum ServiceExposure {
  ClusterIP,
  NodePort,
  LoadBalancer
}
