package io.beastmode.router;

import io.beastmode.api.v1alpha1.FallbackTrigger;
import io.beastmode.router.upstream.UpstreamFailure;
import java.util.Collection;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * What a failed upstream attempt means for the request: move on to the next model or region, and
 * why.
 */
final class AttemptFailures {
  private AttemptFailures() {}

  /** No further upstream call fits in the request's attempt budget. */
  static final class BudgetSpent extends RuntimeException {
    BudgetSpent() {
      super("attempt budget spent", null, false, false);
    }
  }

  /**
   * True when the failure is one of the router's fallback {@code triggers}, or the guard refused
   * the call.
   */
  static boolean movesOn(Throwable error, Collection<FallbackTrigger> triggers) {
    if (error instanceof UpstreamFailure failure) {
      return triggers.contains(failure.trigger());
    }
    if (error instanceof TimeoutException) {
      return triggers.contains(FallbackTrigger.timeout);
    }
    return error instanceof CircuitBreakerOpenException || error instanceof BudgetSpent;
  }

  /** The {@code reason} label of the fallback metric. */
  static String reasonOf(Throwable error) {
    if (error instanceof UpstreamFailure failure) {
      return failure.trigger().name();
    }
    if (error instanceof TimeoutException) {
      return "timeout";
    }
    if (error instanceof CircuitBreakerOpenException) {
      return "circuitOpen";
    }
    return error instanceof BudgetSpent ? "attemptsSpent" : "error";
  }
}
