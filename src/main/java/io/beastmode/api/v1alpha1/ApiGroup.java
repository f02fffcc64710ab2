package io.beastmode.api.v1alpha1;

/** Names shared by every BEAST MODE kind. */
public final class ApiGroup {
  public static final String GROUP = "beastmode.io";
  public static final String VERSION = "v1alpha1";
  public static final String CATEGORY = "beastmode";
  public static final String READY_COLUMN = ".status.conditions[?(@.type==\"Ready\")].status";

  private ApiGroup() {}
}
