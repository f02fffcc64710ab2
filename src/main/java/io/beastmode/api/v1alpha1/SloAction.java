package io.beastmode.api.v1alpha1;

/** What the operator does when a burn-rate rule fires. */
public enum SloAction {
  ScaleUp,
  ShiftTraffic,
  DegradeModel,
  Alert
}
