package io.beastmode.api.v1alpha1;

/** The three values a condition status takes. */
public enum ConditionStatus {
  True,
  False,
  Unknown
}
