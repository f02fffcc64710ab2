package io.beastmode.api.v1alpha1;

/** Whose spend a budget counts. */
public enum BudgetScope {
  /** The key's own. */
  Key,
  /** Every key of the tenant that counts by tenant. */
  Tenant
}
