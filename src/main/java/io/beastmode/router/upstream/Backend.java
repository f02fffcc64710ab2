package io.beastmode.router.upstream;

import io.beastmode.api.v1alpha1.CircuitBreakerSpec;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.enterprise.util.TypeLiteral;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * One upstream target (a model's base URL, or a peer region) with its own SmallRye Fault Tolerance
 * guard: a retry with backoff around a circuit breaker around a timeout. The guard wraps the call
 * up to the first byte only, so nothing is retried after the client has seen part of an answer.
 *
 * <p>The guard runs the call and its outcome on the caller's thread: the caller's event loop, but
 * for a retry, which its timer calls (the caller brings the attempt back to its loop). Its own
 * timeout and its event-loop dispatch cost a fifth of a cache-off request's CPU (a timer-thread
 * wake-up and two queued tasks with context propagation per call, measured by make bench-router):
 * the timeout is the caller's, on its event loop ({@link #timedOut}), and fails the attempt with
 * the same exception inside the circuit breaker, as the guard's would.
 */
public final class Backend {

  /**
   * What a guard is built from; a reload keeps a backend (and its circuit state) while this is
   * equal.
   *
   * @param name the model or peer name, unique within the router
   * @param baseUrl the OpenAI base URL ({@code .../v1}) the endpoint paths are appended to
   */
  public record Settings(
      String name,
      String baseUrl,
      int timeoutSeconds,
      double failureRatio,
      int requestVolumeThreshold,
      int delaySeconds,
      int successThreshold,
      int maxRetries) {

    public static Settings of(
        String name,
        String baseUrl,
        int timeoutSeconds,
        CircuitBreakerSpec breaker,
        int maxRetries) {
      return new Settings(
          name,
          baseUrl,
          timeoutSeconds,
          breaker.failureRatio,
          breaker.requestVolumeThreshold,
          breaker.delaySeconds,
          breaker.successThreshold,
          maxRetries);
    }
  }

  /** Pause before the first retry; doubled for each further one. */
  private static final long RETRY_DELAY_MILLIS = 100;

  private static final AtomicLong GENERATION = new AtomicLong();

  private final Settings settings;
  private final TypedGuard<CompletionStage<UpstreamReply>> guard;
  private final String breakerName;
  private final LatencyAverage latency = new LatencyAverage();
  private volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
  private volatile long openedAtMillis;

  public Backend(Settings settings, Runnable onRetry) {
    this.settings = settings;
    // Circuit breaker names are global in SmallRye; a generation keeps a rebuilt backend's apart.
    this.breakerName = "beastmode-" + settings.name() + "-" + GENERATION.incrementAndGet();
    this.guard =
        TypedGuard.create(new TypeLiteral<CompletionStage<UpstreamReply>>() {})
            .withDescription(breakerName)
            .withRetry()
            .maxRetries(settings.maxRetries())
            .delay(RETRY_DELAY_MILLIS, ChronoUnit.MILLIS)
            .jitter(RETRY_DELAY_MILLIS / 2, ChronoUnit.MILLIS)
            .withExponentialBackoff()
            .factor(2)
            .done()
            .whenException(Backend::retriable)
            .onRetry(onRetry)
            .done()
            .withCircuitBreaker()
            .name(breakerName)
            .failureRatio(settings.failureRatio())
            .requestVolumeThreshold(settings.requestVolumeThreshold())
            .delay(settings.delaySeconds(), ChronoUnit.SECONDS)
            .successThreshold(settings.successThreshold())
            .when(Backend::backendFault)
            .onStateChange(this::stateChanged)
            .done()
            .withThreadOffload(true)
            .withThreadOffloadExecutor(Runnable::run)
            .build();
  }

  public Settings settings() {
    return settings;
  }

  public String name() {
    return settings.name();
  }

  /** Runs one guarded call; {@code attempt} is invoked once per try, retries included. */
  public CompletionStage<UpstreamReply> call(Supplier<CompletionStage<UpstreamReply>> attempt) {
    return guard.get(attempt);
  }

  /** How long one attempt may take to its first byte. */
  public long timeoutMillis() {
    return settings.timeoutSeconds() * 1000L;
  }

  /** The failure of an attempt that took longer than {@link #timeoutMillis}. */
  public TimeoutException timedOut() {
    return new TimeoutException(breakerName + " timed out");
  }

  public CircuitBreakerState circuitState() {
    return state;
  }

  /** Open and still inside its delay: a call would be refused without reaching the upstream. */
  public boolean coolingDown(long nowMillis) {
    return state == CircuitBreakerState.OPEN
        && nowMillis - openedAtMillis < settings.delaySeconds() * 1000L;
  }

  public LatencyAverage latency() {
    return latency;
  }

  private void stateChanged(CircuitBreakerState next) {
    if (next == CircuitBreakerState.OPEN) {
      openedAtMillis = System.currentTimeMillis();
    }
    state = next;
  }

  /** Failures of the backend itself: they count against its circuit and are worth a retry. */
  static boolean backendFault(Throwable error) {
    return error instanceof UpstreamFailure || error instanceof TimeoutException;
  }

  private static boolean retriable(Throwable error) {
    if (error instanceof UpstreamFailure failure) {
      return failure.retriable();
    }
    return error instanceof TimeoutException;
  }
}
