package io.beastmode.router.access;

import io.beastmode.router.api.ApiError;

/**
 * What the access rules make of a request: admitted (with its caller when keys are required, none
 * when access is open) or refused with the error to answer.
 *
 * @param caller who is calling; null when access is open or the request is refused
 * @param key the key presented; null when access is open or none was
 * @param error why the request is refused; null when it is admitted
 */
public record Admission(Caller caller, PresentedKey key, ApiError error) {
  static final Admission OPEN = new Admission(null, null, null);

  static Admission admitted(Caller caller, PresentedKey key) {
    return new Admission(caller, key, null);
  }

  static Admission refused(ApiError error) {
    return new Admission(null, null, error);
  }

  public boolean refused() {
    return error != null;
  }

  /** Whether {@code model} may be asked for: always when access is open. */
  public boolean allows(String model) {
    return caller == null || caller.allows(model);
  }

  /**
   * The cache tenant: the caller's when keys are required, else what the tenant header says ({@code
   * fromHeader}, may be null).
   */
  public String tenant(String fromHeader) {
    return caller == null ? fromHeader : caller.tenant();
  }
}
