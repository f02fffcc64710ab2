package io.beastmode.operator.fleet;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for calls started on the member-call threads, each region's call on its own. */
public final class MemberCallResults {
  private MemberCallResults() {}

  /**
   * The call's result if it has one by {@code deadlineNanos} ({@link System#nanoTime()}), else
   * empty: the call goes on. A call that failed throws its failure here.
   */
  public static <T> Optional<T> by(CompletableFuture<T> call, long deadlineNanos) {
    try {
      return Optional.ofNullable(
          call.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for calls to the regions", e);
    }
  }
}
